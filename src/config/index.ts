/** The configuration module's public surface: load and validate settings, derive the recovery policy. */
export { loadConfig, ConfigError, SECRET_FILE_SETTINGS, COOKIE_SECRET_FILE_NAME, unknownSettingHints, type Config, type OktaAuth, type LoadOptions, type StoreConfig, type RedisConfig, type OidcConfig } from './load.js';
export { toRecoveryPolicy } from './policy.js';
export { SETTING_NAMES, CONFIG_FILE_VAR, LOG_LEVELS, LANGUAGES, STORE_KINDS, type Language, type SettingName } from './schema.js';
export { LOGO_MAX_BYTES, type Logo } from './branding.js';

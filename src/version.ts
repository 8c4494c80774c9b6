/** The portal's version: in logs, metrics (build_info), the User-Agent of Okta calls and `--version`. A test keeps it equal to package.json's. */
export const VERSION = '0.1.0';

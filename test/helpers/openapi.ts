// Response-schema checks against Okta's own OpenAPI 3.0.3 spec (shared/okta-openapi/management-minimal.yaml).
// Rules:
// - The spec is read once per process (once per test file). Parsing the 3.4 MB YAML takes ~2.5 s, so the parsed
//   document is also cached as JSON in the OS temp dir, keyed by the YAML's sha256; a changed spec is re-parsed.
// - The whole spec is added to ajv as ONE schema, so every `#/components/schemas/...` ref resolves in place.
//   Validators are compiled lazily, one per (operation, status), and cached.
// - OpenAPI 3.0 keywords: `nullable` is native in ajv; `readOnly` is an annotation (fine in responses);
//   `writeOnly` properties are turned into "must be absent" because they must never appear in a response
//   (e.g. credentials.password.value); `x-*`, `example` and other unknown keywords are ignored (strict: false).
// - `discriminator`: ajv's own discriminator support requires `oneOf` and rejects Okta's base-type pattern
//   (UserFactor has `discriminator.mapping` but no `oneOf`; the subtypes `allOf` the base). So `discriminator`
//   is stripped and replaced by an equivalent if/then dispatch on the property's value, with the subtypes'
//   `$ref` to the base pointed at a copy of the base (no recursion). Where `oneOf` sits beside a discriminator
//   it is relaxed to `anyOf` (the dispatch already picks the branch).
// - Where the spec is wrong about what Okta actually sends, a minimal, documented patch is applied; each one is
//   listed in SPEC_DEVIATIONS (the README repeats them).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

type Json = Record<string, unknown>;

const SPEC_URL = new URL('../../../shared/okta-openapi/management-minimal.yaml', import.meta.url);
const SPEC_ID = 'okta-management.json';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** Each place where the spec disagrees with Okta's real wire format, and the minimal patch applied here. */
export const SPEC_DEVIATIONS: readonly { schema: string; problem: string; patch: string }[] = [
  {
    schema: 'UserFactorPushTransaction.factorResult',
    problem:
      "enum and discriminator list the literal 'WAITING (with number matching challenge)', a documentation artifact; " +
      'Okta sends WAITING with _embedded.challenge.correctAnswer',
    patch: 'literal removed from the enum and from the discriminator mapping (WAITING keeps its own branch)',
  },
  {
    schema: 'UserFactorVerifyResponse.profile / UserFactorVerifyResponseWaiting.profile',
    problem:
      'additionalProperties is `type: object`, but a challenge answer carries strings ({"phoneNumber":"+1…"}), as the ' +
      "spec's own example UserFactorChallengeSmsResponse shows",
    patch: 'profile is any object (additionalProperties dropped)',
  },
  {
    schema: 'LinksResend.resend',
    problem:
      "declared as one HrefObject, but Okta (and the spec's EnrollFactorSmsResponse example) sends an array of " +
      '{name, href, hints}',
    patch: 'resend may be an HrefObject or an array of HrefObjects',
  },
  {
    schema: 'suspendUser / unsuspendUser / unlockUser / deactivateUser (and any other 200 documented without content)',
    problem: 'the 200 response documents no body, but Okta answers these lifecycle calls with an empty JSON object `{}`',
    patch: 'a 200 documented without content accepts an absent body or exactly `{}` (204 still requires no body)',
  },
  {
    schema: 'every operation: 500 / 502 / 503 / 504',
    problem: 'server errors are not listed per operation, yet Okta can answer any call with them (E0000009, E0000010)',
    patch: 'an undocumented 5xx status is validated against components.schemas.Error instead of being reported',
  },
  {
    schema: 'listUsers 400',
    problem:
      "no 400 is documented, yet the operation's own text lists unsupported search and filter operators and properties; " +
      'Okta refuses them with 400 E0000031 "Invalid search criteria"',
    patch: 'listUsers 400 is validated against components.schemas.Error (UNDOCUMENTED_ERRORS)',
  },
  {
    schema: 'every operation: 411',
    problem: 'Okta answers a POST without a body or Content-Length with 411 Length Required; no operation documents it',
    patch: 'an undocumented 411 is validated against components.schemas.Error (UNDOCUMENTED_ERRORS)',
  },
];

/** (operationId or '*') → statuses Okta answers with an Error body although the spec does not list them. */
const UNDOCUMENTED_ERRORS: Record<string, readonly number[]> = { listUsers: [400], '*': [411] };

// ---------------------------------------------------------------------------------------------------------------
// Loading (once per process)

function loadSpecDocument(): Json {
  const yamlPath = fileURLToPath(SPEC_URL);
  if (!existsSync(yamlPath)) throw new Error(`OpenAPI spec not found at ${yamlPath}`);
  const text = readFileSync(yamlPath);
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const cachePath = join(tmpdir(), `okta-management-minimal.${digest}.json`);
  if (existsSync(cachePath)) {
    try {
      return JSON.parse(readFileSync(cachePath, 'utf8')) as Json;
    } catch {
      // A torn or foreign cache file: fall through and re-parse the YAML.
    }
  }
  const doc = parseYaml(text.toString('utf8'), { maxAliasCount: -1 }) as Json;
  const tmp = `${cachePath}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(doc));
  renameSync(tmp, cachePath); // atomic: parallel test files never read half a file
  return doc;
}

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function schemas(doc: Json): Json {
  return (doc.components as Json).schemas as Json;
}

function getSchemaNode(doc: Json, name: string): Json {
  const s = schemas(doc)[name];
  if (!isObj(s)) throw new Error(`spec patch: schema ${name} not found (spec changed?)`);
  return s;
}

/** The documented patches from SPEC_DEVIATIONS. Each throws if the spec no longer looks as expected. */
function applySpecPatches(doc: Json): void {
  // 1. 'WAITING (with number matching challenge)'
  const pushTx = getSchemaNode(doc, 'UserFactorPushTransaction');
  const fr = (pushTx.properties as Json).factorResult as Json;
  fr.enum = (fr.enum as string[]).filter((v) => v !== 'WAITING (with number matching challenge)');
  const mapping = (pushTx.discriminator as Json).mapping as Json;
  delete mapping['WAITING (with number matching challenge)'];
  // 2. verify-response profile values are strings, not objects
  for (const name of ['UserFactorVerifyResponse', 'UserFactorVerifyResponseWaiting']) {
    const profile = (getSchemaNode(doc, name).properties as Json).profile as Json;
    delete profile.additionalProperties;
  }
  // 3. _links.resend is an array
  const resendProps = getSchemaNode(doc, 'LinksResend').properties as Json;
  const single = resendProps.resend as Json;
  resendProps.resend = { anyOf: [single, { type: 'array', items: { $ref: '#/components/schemas/HrefObject' } }] };
}

/** writeOnly → must be absent in a response (and not required). */
function forbidWriteOnly(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(forbidWriteOnly);
    return;
  }
  if (!isObj(node)) return;
  const props = node.properties;
  if (isObj(props)) {
    for (const [key, sub] of Object.entries(props)) {
      if (isObj(sub) && sub.writeOnly === true) {
        props[key] = { not: {}, description: 'writeOnly property: must not appear in a response' };
        if (Array.isArray(node.required)) node.required = (node.required as string[]).filter((r) => r !== key);
      }
    }
  }
  for (const v of Object.values(node)) forbidWriteOnly(v);
}

/** Replace every `discriminator` (see header) by an if/then dispatch ajv can evaluate. */
function rewriteDiscriminators(doc: Json): void {
  const all = schemas(doc);
  const refTo = (name: string): string => `#/components/schemas/${name}`;
  for (const [name, schema] of Object.entries(all)) {
    if (!isObj(schema) || !isObj(schema.discriminator)) continue;
    const { propertyName, mapping } = schema.discriminator as { propertyName: string; mapping?: Record<string, string> };
    delete schema.discriminator;
    if (Array.isArray(schema.oneOf)) {
      schema.anyOf = schema.oneOf;
      delete schema.oneOf;
    }
    if (!mapping) continue;
    const baseCopyName = `${name}__base`;
    all[baseCopyName] = { ...schema };
    const branches: Json[] = [];
    for (const [value, target] of Object.entries(mapping)) {
      if (target === refTo(name)) continue; // e.g. SUCCESS → the base itself
      const targetName = target.replace('#/components/schemas/', '');
      const targetSchema = all[targetName];
      // The subtype's `allOf: [{$ref: base}, …]` would recurse into this dispatch: point it at the base copy.
      if (isObj(targetSchema) && Array.isArray(targetSchema.allOf)) {
        for (const part of targetSchema.allOf as unknown[]) {
          if (isObj(part) && part.$ref === refTo(name)) part.$ref = refTo(baseCopyName);
        }
      }
      branches.push({
        if: { properties: { [propertyName]: { const: value } }, required: [propertyName] },
        then: { $ref: target },
      });
    }
    all[name] = { allOf: [{ $ref: refTo(baseCopyName) }, ...branches] };
  }
}

/**
 * What ajv gets: paths + schemas + responses, without `example`/`examples` values. Examples are data, not schemas,
 * and some contain JSON Schema documents with `$id: http://{yourOktaDomain}/…` that ajv would try to register.
 */
function schemaDocument(doc: Json): Json {
  const strip = (node: unknown, underProperties: boolean): unknown => {
    if (Array.isArray(node)) return node.map((n) => strip(n, false));
    if (!isObj(node)) return node;
    const out: Json = {};
    for (const [k, v] of Object.entries(node)) {
      if (!underProperties && (k === 'example' || k === 'examples')) continue;
      out[k] = strip(v, !underProperties && k === 'properties');
    }
    return out;
  };
  const components = doc.components as Json;
  return strip({ paths: doc.paths, components: { schemas: components.schemas, responses: components.responses } }, false) as Json;
}

// ---------------------------------------------------------------------------------------------------------------
// Operation index and validators

interface Operation {
  operationId: string;
  method: string;
  path: string;
  pointer: string; // JSON pointer to the operation object
  responses: Json;
  matcher: RegExp;
  params: number;
}

interface Loaded {
  doc: Json;
  ajv: Ajv;
  byId: Map<string, Operation>;
  ops: Operation[];
  validators: Map<string, ValidateFunction | null>;
}

let loaded: Loaded | undefined;

const escapePointer = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

function load(): Loaded {
  if (loaded) return loaded;
  const doc = loadSpecDocument();
  applySpecPatches(doc);
  rewriteDiscriminators(doc);
  forbidWriteOnly(doc.components);
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, discriminator: false });
  // ajv-formats ships CJS with a default export; under NodeNext the callable may sit on `.default`.
  const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => void;
  addFormats(ajv);
  ajv.addSchema(schemaDocument(doc), SPEC_ID);
  const byId = new Map<string, Operation>();
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    if (!isObj(item)) continue;
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!isObj(op) || typeof op.operationId !== 'string') continue;
      const pattern = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
      const entry: Operation = {
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        pointer: `/paths/${escapePointer(path)}/${method}`,
        responses: (op.responses ?? {}) as Json,
        matcher: new RegExp(`^${pattern}$`),
        params: (path.match(/\{/g) ?? []).length,
      };
      byId.set(entry.operationId, entry);
      ops.push(entry);
    }
  }
  ops.sort((a, b) => a.params - b.params); // literal segments (/factors/catalog) win over {factorId}
  loaded = { doc, ajv, byId, ops, validators: new Map() };
  return loaded;
}

function findOperation(l: Loaded, method: string, pathOrTemplate: string): Operation | undefined {
  const m = method.toUpperCase();
  const path = pathOrTemplate.split('?')[0]!.replace(/^\/+/, '/');
  return (
    l.ops.find((o) => o.method === m && o.path === path) ?? l.ops.find((o) => o.method === m && o.matcher.test(path))
  );
}

function resolveRef(doc: Json, ref: string): Json {
  let node: unknown = doc;
  for (const raw of ref.replace(/^#\//, '').split('/')) {
    node = isObj(node) ? node[raw.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  if (!isObj(node)) throw new Error(`unresolvable $ref ${ref}`);
  return node;
}

/** null = the documented response has no JSON body. undefined = status not documented. */
function responseValidator(l: Loaded, op: Operation, status: number): ValidateFunction | null | undefined {
  const key = `${op.operationId} ${status}`;
  if (l.validators.has(key)) return l.validators.get(key);
  const statusKey = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => k in op.responses);
  if (!statusKey) return undefined;
  let response = op.responses[statusKey] as Json;
  let pointer = `${op.pointer}/responses/${statusKey}`;
  if (typeof response.$ref === 'string') {
    pointer = response.$ref.replace(/^#/, '');
    response = resolveRef(l.doc, response.$ref);
  }
  const json = isObj(response.content) ? (response.content as Json)['application/json'] : undefined;
  let validator: ValidateFunction | null = null;
  if (isObj(json) && json.schema) {
    const fragment = `${pointer}/content/${escapePointer('application/json')}/schema`
      .split('/')
      .map(encodeURIComponent)
      .join('/');
    const found = l.ajv.getSchema(`${SPEC_ID}#${fragment}`);
    if (!found) throw new Error(`could not compile the response schema of ${key}`);
    validator = found;
  }
  l.validators.set(key, validator);
  return validator;
}

function formatErrors(errors: ErrorObject[] | null | undefined): string[] {
  // if/then failures repeat the inner error; keep the informative ones.
  return (errors ?? [])
    .filter((e) => e.keyword !== 'if')
    .map((e) => `${e.instancePath || '(root)'} ${e.message ?? e.keyword}${e.params ? ' ' + JSON.stringify(e.params) : ''}`);
}

function isEmptyBody(body: unknown): boolean {
  return body === undefined || body === null || body === '';
}

/**
 * Validate a response body against the spec. Either `(operationId, status, body)` or
 * `(method, pathTemplateOrConcretePath, status, body)`. Returns a list of errors ([] = valid).
 * An undocumented status, or a body where the spec documents none, is an error too.
 */
export function validateResponse(operationId: string, status: number, body: unknown): string[];
export function validateResponse(method: string, path: string, status: number, body: unknown): string[];
export function validateResponse(a: string, b: string | number, c: unknown, d?: unknown): string[] {
  const l = load();
  const op = typeof b === 'number' ? l.byId.get(a) : findOperation(l, a, b);
  const label = typeof b === 'number' ? a : `${a} ${b}`;
  if (!op) return [`no operation ${label} in the spec`];
  const status = typeof b === 'number' ? b : (c as number);
  const body = typeof b === 'number' ? c : d;
  const validator = responseValidator(l, op, status);
  if (validator === undefined) {
    const known = status >= 500 || UNDOCUMENTED_ERRORS['*']?.includes(status) || UNDOCUMENTED_ERRORS[op.operationId]?.includes(status);
    if (known) return validateSchema('Error', body).map((e) => `${op.operationId} ${status}: ${e}`); // SPEC_DEVIATIONS
    return [`status ${status} is not documented for ${op.operationId}`];
  }
  if (validator === null) {
    const emptyObject = status === 200 && isObj(body) && Object.keys(body).length === 0; // SPEC_DEVIATIONS
    return isEmptyBody(body) || emptyObject ? [] : [`${op.operationId} ${status} documents no body, got one`];
  }
  return validator(body) ? [] : formatErrors(validator.errors).map((e) => `${op.operationId} ${status}: ${e}`);
}

/** Validate a value against `#/components/schemas/<name>` (after the same patches). */
export function validateSchema(name: string, value: unknown): string[] {
  const l = load();
  const key = `schema ${name}`;
  let v = l.validators.get(key);
  if (v === undefined) {
    v = l.ajv.getSchema(`${SPEC_ID}#/components/schemas/${encodeURIComponent(name)}`) ?? null;
    l.validators.set(key, v);
  }
  if (!v) return [`no schema ${name} in the spec`];
  return v(value) ? [] : formatErrors(v.errors).map((e) => `${name}: ${e}`);
}

/** The operation's documented method and path template (for messages and request-log checks). */
export function operationInfo(operationId: string): { method: string; path: string } | undefined {
  const op = load().byId.get(operationId);
  return op && { method: op.method, path: op.path };
}

/** The spec's named example (components.examples.<name>.value), for self-tests of this helper. */
export function specExample(name: string): unknown {
  const ex = ((load().doc.components as Json).examples as Json)[name];
  return isObj(ex) ? ex.value : undefined;
}

/**
 * The OAuth scopes the spec's `security` lists for the operation at (method, concrete path or template): [] when the
 * operation takes an API token only, undefined when the spec has no such operation.
 */
export function operationScopes(method: string, path: string): string[] | undefined {
  const l = load();
  const op = findOperation(l, method, path);
  if (!op) return undefined;
  const node = (((l.doc.paths as Json)[op.path] as Json)[op.method.toLowerCase()] ?? {}) as Json;
  const security = Array.isArray(node.security) ? (node.security as Json[]) : [];
  return security.flatMap((s) => (Array.isArray(s.oauth2) ? (s.oauth2 as string[]) : []));
}

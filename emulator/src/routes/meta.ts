// The user schema and user type that every user's `_links.schema` and `_links.type` point at: GET
// /api/v1/meta/schemas/user/{schemaId} (getUserSchema) and GET /api/v1/meta/types/user/{typeId} (getUserType). Rules:
// the org has one user type (the default) and its schema, addressed by id or by `default` (the spec: "Use `default`
// to fetch the default user type"); the schema lists exactly Okta's base profile attributes (the ones
// validateProfile accepts; the spec's UserSchemaBaseProperties) with Okta's titles, required login, firstName,
// lastName and email, and no custom attributes, shaped like the spec's UserSchemaDefaultResponse; anything else is
// 404 E0000007. Timestamps are fixed at the org's creation (whole seconds).
import type { FastifyInstance } from 'fastify';
import { errors } from '../errors.js';
import { USER_SCHEMA_ID, USER_TYPE_ID, isoSeconds } from '../org/serialize.js';
import { BASE_PROFILE_ATTRIBUTES } from '../org/users.js';
import { baseUrl } from './common.js';

const TITLES: Record<string, string> = {
  login: 'Username', email: 'Primary email', secondEmail: 'Secondary email', firstName: 'First name', lastName: 'Last name',
  middleName: 'Middle name', honorificPrefix: 'Honorific prefix', honorificSuffix: 'Honorific suffix', title: 'Title',
  displayName: 'Display name', nickName: 'Nickname', profileUrl: 'Profile Url', primaryPhone: 'Primary phone',
  mobilePhone: 'Mobile phone', streetAddress: 'Street address', city: 'City', state: 'State', zipCode: 'Zip code',
  postalAddress: 'Postal Address', countryCode: 'Country code', preferredLanguage: 'Preferred language', locale: 'Locale',
  timezone: 'Time zone', userType: 'User type', employeeNumber: 'Employee number', costCenter: 'Cost center',
  organization: 'Organization', division: 'Division', department: 'Department', managerId: 'ManagerId', manager: 'Manager',
};
const FORMATS: Record<string, string> = {
  email: 'email', secondEmail: 'email', profileUrl: 'uri', countryCode: 'country-code', preferredLanguage: 'language-code',
  locale: 'locale', timezone: 'timezone',
};
const LENGTHS: Record<string, [number, number]> = { login: [5, 100], firstName: [1, 50], lastName: [1, 50], email: [5, 100] };
const REQUIRED = ['login', 'firstName', 'lastName', 'email'];

function attribute(name: string): Record<string, unknown> {
  const len = LENGTHS[name];
  return {
    title: TITLES[name] ?? name,
    type: 'string',
    ...(FORMATS[name] ? { format: FORMATS[name] } : {}),
    required: REQUIRED.includes(name),
    ...(len ? { minLength: len[0], maxLength: len[1] } : {}),
    mutability: 'READ_WRITE',
    scope: 'NONE',
    permissions: [{ principal: 'SELF', action: name === 'login' ? 'READ_ONLY' : 'READ_WRITE' }],
    master: { type: 'PROFILE_MASTER' },
  };
}

export async function registerMetaRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { schemaId: string } }>('/api/v1/meta/schemas/user/:schemaId', async (req) => {
    const { schemaId } = req.params;
    if (schemaId !== USER_SCHEMA_ID && schemaId !== 'default') throw errors.notFound(`${schemaId} (UserSchema)`);
    const base = baseUrl(req);
    const created = isoSeconds(req.server.emu.state.orgCreated);
    const properties: Record<string, unknown> = {};
    for (const name of BASE_PROFILE_ATTRIBUTES) properties[name] = attribute(name);
    return {
      id: `${base}/meta/schemas/user/${USER_SCHEMA_ID}`,
      $schema: 'http://json-schema.org/draft-04/schema#',
      name: 'user',
      title: 'User',
      lastUpdated: created,
      created,
      definitions: {
        base: { id: '#base', type: 'object', properties, required: REQUIRED },
        custom: { id: '#custom', type: 'object', properties: {}, required: [] },
      },
      type: 'object',
      properties: { profile: { allOf: [{ $ref: '#/definitions/base' }, { $ref: '#/definitions/custom' }] } },
      _links: { self: { href: `${base}/api/v1/meta/schemas/user/${USER_SCHEMA_ID}` } },
    };
  });

  app.get<{ Params: { typeId: string } }>('/api/v1/meta/types/user/:typeId', async (req) => {
    const { typeId } = req.params;
    if (typeId !== USER_TYPE_ID && typeId !== 'default') throw errors.notFound(`${typeId} (UserType)`);
    const base = baseUrl(req);
    const created = isoSeconds(req.server.emu.state.orgCreated);
    const owner = req.server.emu.state.tokenOwnerId;
    return {
      id: USER_TYPE_ID,
      displayName: 'User',
      name: 'user',
      description: 'Okta user profile template with default permission settings',
      ...(owner ? { createdBy: owner, lastUpdatedBy: owner } : {}),
      created,
      lastUpdated: created,
      default: true,
      _links: {
        self: { href: `${base}/api/v1/meta/types/user/${USER_TYPE_ID}` },
        schema: { href: `${base}/api/v1/meta/schemas/user/${USER_SCHEMA_ID}` },
      },
    };
  });
}

// Helpers shared by the Okta API routes: base URL, user/factor resolution, query and body parsing. Rules: `me` is
// the API token's owner; unknown users/factors are 404 E0000007 naming the resource type; query booleans accept only
// "true"/"false"; integer parameters are range-checked; a body must be a JSON object (or absent, meaning {}).
import type { FastifyRequest } from 'fastify';
import { errors } from '../errors.js';
import type { FactorRecord, UserRecord } from '../org/model.js';
import type { OrgState } from '../org/state.js';

export function baseUrl(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

export function resolveUser(state: OrgState, idOrLogin: string): UserRecord {
  const user = idOrLogin === 'me' ? (state.tokenOwnerId ? state.findById(state.tokenOwnerId) : undefined) : state.findUser(idOrLogin);
  if (!user) throw errors.notFound(`${idOrLogin} (User)`);
  return user;
}

export function resolveFactor(user: UserRecord, factorId: string): FactorRecord {
  const factor = user.factors.find((f) => f.id === factorId);
  if (!factor) throw errors.notFound(`${factorId} (UserFactor)`);
  return factor;
}

type Query = Record<string, string | string[] | undefined>;

function single(q: Query, name: string): string | undefined {
  const v = q[name];
  if (Array.isArray(v)) throw errors.validation(name, [`${name}: Only one value is allowed`]);
  return v;
}

export function queryBool(req: FastifyRequest, name: string, fallback: boolean): boolean;
export function queryBool(req: FastifyRequest, name: string, fallback: null): boolean | null;
export function queryBool(req: FastifyRequest, name: string, fallback: boolean | null): boolean | null {
  const v = single(req.query as Query, name);
  if (v === undefined || v === '') return fallback;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw errors.validation(name, [`${name}: The value must be true or false`]);
}

export function queryInt(req: FastifyRequest, name: string, fallback: number, min: number, max: number): number {
  const v = single(req.query as Query, name);
  if (v === undefined || v === '') return fallback;
  if (!/^-?\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw errors.validation(name, [`${name}: The value must be an integer from ${min} to ${max}`]);
  }
  return Number(v);
}

export function queryString(req: FastifyRequest, name: string): string | undefined {
  return single(req.query as Query, name);
}

export function jsonObject(req: FastifyRequest): Record<string, unknown> {
  const b = req.body;
  if (b === undefined || b === null) return {};
  if (typeof b !== 'object' || Array.isArray(b)) throw errors.malformedBody();
  return b as Record<string, unknown>;
}

export function tokenLifetime(req: FastifyRequest): number {
  return queryInt(req, 'tokenLifetimeSeconds', 300, 1, 86_400);
}

// Okta Users API: list/search, get (id, login, short name, `me`), create, partial and full update (including the
// admin password set with strict=true history checks), delete (deactivate, then remove), change_password and
// session revocation. Rules: shapes follow Okta's User object; lists are sorted by id (a search with `sortBy`: by that
// property, then id, `sortOrder` asc/desc), paginated with `limit` and an opaque `after` cursor, with Link
// rel="self"/"next" headers; plain lists and `q` omit DEPROVISIONED users as Okta does; `q` matches firstName,
// lastName or email (not the login) by prefix, defaults to limit 10 and has no next page (spec listUsers).
// A user's groups (spec listUserGroups): the built-in Everyone, then the seeded groups that list the user.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../errors.js';
import type { UserRecord } from '../org/model.js';
import { verifyPassword } from '../org/passwords.js';
import { parseRecoveryQuestion } from '../org/recovery.js';
import { SearchSyntaxError, parseSearch, type Dialect, type Predicate } from '../org/search.js';
import { USER_TYPE_ID, isoSeconds, serializeGroup, serializeUser } from '../org/serialize.js';
import { createUser, deleteUser, setPassword, updateProfile } from '../org/users.js';
import { baseUrl, jsonObject, queryBool, queryInt, queryString, resolveUser } from './common.js';

type IdParams = { Params: { id: string } };

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function attributeOf(user: UserRecord, attr: string): unknown {
  if (attr.startsWith('profile.')) return user.profile[attr.slice('profile.'.length)];
  const iso = (ms: number | null) => (ms === null ? null : isoSeconds(ms));
  switch (attr) {
    case 'id':
      return user.id;
    case 'status':
      return user.status;
    case 'type.id':
      return USER_TYPE_ID;
    case 'created':
    case 'activated':
    case 'statusChanged':
    case 'lastLogin':
    case 'lastUpdated':
    case 'passwordChanged':
      return iso(user[attr]);
    default:
      return undefined;
  }
}

function compile(expr: string | undefined, dialect: Dialect): Predicate | null {
  if (expr === undefined || expr === '') return null;
  try {
    return parseSearch(expr, dialect);
  } catch (err) {
    if (err instanceof SearchSyntaxError) throw errors.invalidSearch();
    throw err;
  }
}

/** Orders by one property (missing values last), users with the same value by id (spec listUsers sortBy). */
function sortUsers(users: UserRecord[], sortBy: string, dir: 1 | -1): UserRecord[] {
  const key = (u: UserRecord): string | number | null => {
    const v = attributeOf(u, sortBy);
    return v === undefined || v === null ? null : typeof v === 'number' ? v : String(v).toLowerCase();
  };
  return [...users].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x !== y) {
      if (x === null) return 1;
      if (y === null) return -1;
      return (x < y ? -1 : 1) * dir;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

function linkHeader(base: string, query: Record<string, string>, rel: string): string {
  const qs = new URLSearchParams(query).toString();
  return `<${base}/api/v1/users${qs ? `?${qs}` : ''}>; rel="${rel}"`;
}

async function applyUpdate(req: FastifyRequest<IdParams>, reply: FastifyReply, replace: boolean): Promise<unknown> {
  const { state } = req.server.emu;
  const user = resolveUser(state, req.params.id);
  const body = jsonObject(req);
  const strict = queryBool(req, 'strict', false);
  if (user.status === 'DEPROVISIONED') throw errors.validation('status', ['status: A deactivated user cannot be updated']);
  if (replace && !isObj(body.profile)) throw errors.validation('profile', ['profile: The field cannot be left blank']);
  if (body.profile !== undefined) {
    // Validate the profile first so a bad profile does not leave a changed password behind.
    const probe = { ...user, profile: { ...user.profile } };
    updateProfile(state, probe, body.profile, replace);
  }
  const creds = body.credentials;
  if (creds !== undefined && !isObj(creds)) throw errors.validation('credentials', ['credentials: Property value is not valid.']);
  const pw = isObj(creds) && isObj(creds.password) ? creds.password.value : undefined;
  // Okta's update-user-set-recovery-question-and-answer: an admin sets the recovery question without the password.
  const question = isObj(creds) && creds.recovery_question !== undefined ? await parseRecoveryQuestion(state, creds.recovery_question) : undefined;
  if (pw !== undefined) await setPassword(state, user, pw, { strict });
  if (question) user.recoveryQuestion = question;
  updateProfile(state, user, body.profile, replace);
  return reply.send(serializeUser(baseUrl(req), user));
}

export async function registerUserRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/v1/users', async (req, reply) => {
    const { state } = req.server.emu;
    const q = queryString(req, 'q')?.toLowerCase();
    const limit = queryInt(req, 'limit', q ? 10 : 200, 1, 200);
    const after = queryString(req, 'after');
    const search = compile(queryString(req, 'search'), 'search');
    const filter = compile(queryString(req, 'filter'), 'filter');
    let users = state.sortedUsers().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (!search && !filter) users = users.filter((u) => u.status !== 'DEPROVISIONED');
    if (search) users = users.filter((u) => search((a) => attributeOf(u, a)));
    if (filter) users = users.filter((u) => filter((a) => attributeOf(u, a)));
    if (q) {
      users = users.filter((u) => ['firstName', 'lastName', 'email'].some((k) => String(u.profile[k] ?? '').toLowerCase().startsWith(q)));
    }
    const sortBy = queryString(req, 'sortBy');
    if (search && sortBy) {
      const order = queryString(req, 'sortOrder') ?? 'asc';
      if (order !== 'asc' && order !== 'desc') throw errors.validation('sortOrder', ['sortOrder: must be asc or desc']);
      users = sortUsers(users, sortBy, order === 'desc' ? -1 : 1);
    }
    if (after) {
      const at = users.findIndex((u) => u.id === after);
      users = at === -1 && !(search && sortBy) ? users.filter((u) => u.id > after) : users.slice(at + 1);
    }
    const page = users.slice(0, limit);
    const base = baseUrl(req);
    const query: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.query as Record<string, string>)) if (typeof v === 'string') query[k] = v;
    const links = [linkHeader(base, query, 'self')];
    const last = page[page.length - 1];
    if (!q && users.length > limit && last) links.push(linkHeader(base, { ...query, after: last.id, limit: String(limit) }, 'next'));
    reply.header('Link', links);
    return page.map((u) => serializeUser(base, u, { collection: true }));
  });

  app.get<IdParams>('/api/v1/users/:id', async (req) => {
    return serializeUser(baseUrl(req), resolveUser(req.server.emu.state, req.params.id));
  });

  app.get<IdParams>('/api/v1/users/:id/groups', async (req) => {
    const { state } = req.server.emu;
    const base = baseUrl(req);
    return state.groupsOf(resolveUser(state, req.params.id)).map((g) => serializeGroup(base, g));
  });

  app.post('/api/v1/users', async (req) => {
    const body = jsonObject(req);
    const nextLogin = queryString(req, 'nextLogin') ?? null;
    if (nextLogin !== null && nextLogin !== 'changePassword') throw errors.validation('nextLogin', ['nextLogin: The value must be changePassword']);
    const user = await createUser(req.server.emu.state, body, { activate: queryBool(req, 'activate', true), nextLogin });
    return serializeUser(baseUrl(req), user);
  });

  app.post<IdParams>('/api/v1/users/:id', (req, reply) => applyUpdate(req, reply, false));
  app.put<IdParams>('/api/v1/users/:id', (req, reply) => applyUpdate(req, reply, true));

  app.delete<IdParams>('/api/v1/users/:id', async (req, reply) => {
    deleteUser(req.server.emu.state, resolveUser(req.server.emu.state, req.params.id));
    return reply.code(204).send();
  });

  app.delete<IdParams>('/api/v1/users/:id/sessions', async (req, reply) => {
    resolveUser(req.server.emu.state, req.params.id).sessions.clear();
    return reply.code(204).send();
  });

  app.post<IdParams>('/api/v1/users/:id/credentials/change_password', async (req) => {
    const { state } = req.server.emu;
    const user = resolveUser(state, req.params.id);
    const body = jsonObject(req);
    if (!['STAGED', 'ACTIVE', 'PASSWORD_EXPIRED', 'RECOVERY'].includes(user.status)) {
      throw errors.validation('status', [`status: Cannot change the password of a user with status ${user.status}`]);
    }
    const oldPw = isObj(body.oldPassword) ? body.oldPassword.value : undefined;
    const newPw = isObj(body.newPassword) ? body.newPassword.value : undefined;
    if (typeof oldPw !== 'string' || !user.passwordHash || !(await verifyPassword(oldPw, user.passwordHash))) {
      throw errors.credentialsUpdateFailed(['oldPassword: The credentials provided were incorrect.']);
    }
    await setPassword(state, user, newPw, { strict: queryBool(req, 'strict', false), policyError: errors.passwordComplexity });
    if (body.revokeSessions === true) user.sessions.clear();
    return { password: {}, provider: { type: 'OKTA', name: 'OKTA' } };
  });
}

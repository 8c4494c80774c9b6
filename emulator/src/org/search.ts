// The `search` / `filter` expression language of GET /api/v1/users (a SCIM-like subset). Hand-written because no
// maintained library parses Okta's dialect and it is small: comparisons `attr op value`, `attr pr`, joined by `and`
// (binds tighter) / `or`, and parentheses. Values are "double-quoted" strings (\" and \\ escapes), numbers, true,
// false or null. Keywords (operators, and, or) are case-insensitive; property names are case-sensitive. The two
// dialects follow the spec's listUsers text:
// - search: eq, sw, gt, ge, lt, le, pr on any profile attribute and on id, status, created, activated,
//   statusChanged, lastUpdated, type.id; `co` only on profile.firstName, lastName, email, login; string values
//   compared case-insensitively. `ne` ("isn't supported"), `ew` and `not` are refused (Okta's answer to ew and not
//   is undocumented: refusing is the stricter choice).
// - filter: only status, lastUpdated, id, profile.login, profile.email, profile.firstName, profile.lastName; only
//   `eq`, plus gt/ge/lt/le on lastUpdated; `and`/`or` (no `not`); values compared case-sensitively.
// Anything else throws SearchSyntaxError (answered 400 E0000031).
export class SearchSyntaxError extends Error {}

export type Dialect = 'search' | 'filter';

export type AttributeGetter = (attr: string) => unknown;
export type Predicate = (get: AttributeGetter) => boolean;

type Token = { kind: 'word' | 'string' | 'lparen' | 'rparen'; text: string };

const OPS = new Set(['eq', 'sw', 'co', 'gt', 'ge', 'lt', 'le']);
const SEARCH_TOP_LEVEL = new Set(['id', 'status', 'created', 'activated', 'statusChanged', 'lastUpdated', 'type.id']);
const CO_ATTRIBUTES = new Set(['profile.firstName', 'profile.lastName', 'profile.email', 'profile.login']);
const FILTER_ATTRIBUTES = new Set(['status', 'lastUpdated', 'id', 'profile.login', 'profile.email', 'profile.firstName', 'profile.lastName']);
const ORDERING = new Set(['gt', 'ge', 'lt', 'le']);

/** Throws unless `attr op` is allowed in the dialect. */
function checkAllowed(dialect: Dialect, attr: string, op: string): void {
  if (dialect === 'filter') {
    if (!FILTER_ATTRIBUTES.has(attr)) throw new SearchSyntaxError(`${attr} cannot be filtered on`);
    if (op === 'eq' || (attr === 'lastUpdated' && ORDERING.has(op))) return;
    throw new SearchSyntaxError(`filter does not support ${op} on ${attr}`);
  }
  if (!attr.startsWith('profile.') && !SEARCH_TOP_LEVEL.has(attr)) throw new SearchSyntaxError(`${attr} cannot be searched`);
  if (op === 'co' && !CO_ATTRIBUTES.has(attr)) throw new SearchSyntaxError(`co is not supported on ${attr}`);
}
const MAX_LENGTH = 2000;

function tokenize(input: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ kind: c === '(' ? 'lparen' : 'rparen', text: c });
      i++;
    } else if (c === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= input.length) throw new SearchSyntaxError('unterminated string');
        const d = input[i] as string;
        if (d === '\\') {
          const next = input[i + 1];
          if (next === undefined) throw new SearchSyntaxError('dangling escape');
          s += next;
          i += 2;
        } else if (d === '"') {
          i++;
          break;
        } else {
          s += d;
          i++;
        }
      }
      out.push({ kind: 'string', text: s });
    } else {
      const m = /^[^\s()"]+/.exec(input.slice(i));
      if (!m) throw new SearchSyntaxError(`unexpected character ${c}`);
      out.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    }
  }
  return out;
}

function norm(v: unknown, fold: boolean): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  const s = String(v);
  return fold ? s.toLowerCase() : s;
}

function compare(op: string, actual: unknown, expected: string | number | boolean | null, fold: boolean): boolean {
  // An array attribute matches when any element does (SCIM, as the spec says for search).
  if (Array.isArray(actual)) return actual.some((x) => compare(op, x, expected, fold));
  const a = norm(actual, fold);
  const e = typeof expected === 'string' ? norm(expected, fold) : expected;
  switch (op) {
    case 'eq':
      return a === e;
    case 'sw':
      return typeof a === 'string' && typeof e === 'string' && a.startsWith(e);
    case 'co':
      return typeof a === 'string' && typeof e === 'string' && a.includes(e);
    default: {
      if (a === null || e === null || typeof a !== typeof e) return false;
      const x = a as string | number;
      const y = e as string | number;
      return op === 'gt' ? x > y : op === 'ge' ? x >= y : op === 'lt' ? x < y : x <= y;
    }
  }
}

class Parser {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly dialect: Dialect,
  ) {}

  private peekWord(): string | null {
    const t = this.tokens[this.pos];
    return t?.kind === 'word' ? t.text.toLowerCase() : null;
  }

  parse(): Predicate {
    const p = this.or();
    if (this.pos !== this.tokens.length) throw new SearchSyntaxError(`unexpected ${this.tokens[this.pos]?.text}`);
    return p;
  }

  private or(): Predicate {
    const parts = [this.and()];
    while (this.peekWord() === 'or') {
      this.pos++;
      parts.push(this.and());
    }
    return parts.length === 1 ? (parts[0] as Predicate) : (get) => parts.some((p) => p(get));
  }

  private and(): Predicate {
    const parts = [this.unary()];
    while (this.peekWord() === 'and') {
      this.pos++;
      parts.push(this.unary());
    }
    return parts.length === 1 ? (parts[0] as Predicate) : (get) => parts.every((p) => p(get));
  }

  private unary(): Predicate {
    if (this.peekWord() === 'not') throw new SearchSyntaxError('not is not supported');
    const t = this.tokens[this.pos];
    if (t?.kind === 'lparen') {
      this.pos++;
      const inner = this.or();
      if (this.tokens[this.pos]?.kind !== 'rparen') throw new SearchSyntaxError('missing )');
      this.pos++;
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Predicate {
    const attrTok = this.tokens[this.pos++];
    if (attrTok?.kind !== 'word' || !/^[A-Za-z_][\w.]*$/.test(attrTok.text)) throw new SearchSyntaxError('expected an attribute');
    const attr = attrTok.text;
    const op = this.peekWord();
    if (op === 'pr') {
      if (this.dialect === 'filter') throw new SearchSyntaxError('filter does not support pr');
      this.pos++;
      return (get) => {
        const v = get(attr);
        return v !== undefined && v !== null && v !== '';
      };
    }
    if (!op || !OPS.has(op)) throw new SearchSyntaxError(`expected a supported operator after ${attr}`);
    checkAllowed(this.dialect, attr, op);
    this.pos++;
    const v = this.tokens[this.pos++];
    let value: string | number | boolean | null;
    if (v?.kind === 'string') value = v.text;
    else if (v?.kind === 'word' && /^-?\d+(\.\d+)?$/.test(v.text)) value = Number(v.text);
    else if (v?.kind === 'word' && ['true', 'false', 'null'].includes(v.text.toLowerCase())) {
      const w = v.text.toLowerCase();
      value = w === 'null' ? null : w === 'true';
    } else throw new SearchSyntaxError(`expected a value after ${attr} ${op}`);
    const fold = this.dialect === 'search';
    return (get) => compare(op, get(attr), value, fold);
  }
}

export function parseSearch(expression: string, dialect: Dialect = 'search'): Predicate {
  if (expression.length > MAX_LENGTH) throw new SearchSyntaxError('expression too long');
  const tokens = tokenize(expression);
  if (tokens.length === 0) throw new SearchSyntaxError('empty expression');
  return new Parser(tokens, dialect).parse();
}

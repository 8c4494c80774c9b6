// The `search` / `filter` expression language of GET /api/v1/users (a SCIM-like subset). Hand-written because no
// maintained library parses Okta's dialect and it is small: comparisons `attr op value` with op in
// eq ne sw ew co gt ge lt le, `attr pr`, joined by `and` (binds tighter) / `or`, `not`, and parentheses.
// Rules: keywords and string comparisons are case-insensitive; values are "double-quoted" strings (\" and \\ escapes),
// numbers, true, false or null; anything else throws SearchSyntaxError (answered 400 E0000031).
export class SearchSyntaxError extends Error {}

export type AttributeGetter = (attr: string) => unknown;
export type Predicate = (get: AttributeGetter) => boolean;

type Token = { kind: 'word' | 'string' | 'lparen' | 'rparen'; text: string };

const OPS = new Set(['eq', 'ne', 'sw', 'ew', 'co', 'gt', 'ge', 'lt', 'le']);
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

function norm(v: unknown): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v.toLowerCase();
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return String(v).toLowerCase();
}

function compare(op: string, actual: unknown, expected: string | number | boolean | null): boolean {
  const a = norm(actual);
  const e = typeof expected === 'string' ? expected.toLowerCase() : expected;
  switch (op) {
    case 'eq':
      return a === e;
    case 'ne':
      return a !== e;
    case 'sw':
      return typeof a === 'string' && typeof e === 'string' && a.startsWith(e);
    case 'ew':
      return typeof a === 'string' && typeof e === 'string' && a.endsWith(e);
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
  constructor(private readonly tokens: Token[]) {}

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
    if (this.peekWord() === 'not') {
      this.pos++;
      const inner = this.unary();
      return (get) => !inner(get);
    }
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
      this.pos++;
      return (get) => {
        const v = get(attr);
        return v !== undefined && v !== null && v !== '';
      };
    }
    if (!op || !OPS.has(op)) throw new SearchSyntaxError(`expected an operator after ${attr}`);
    this.pos++;
    const v = this.tokens[this.pos++];
    let value: string | number | boolean | null;
    if (v?.kind === 'string') value = v.text;
    else if (v?.kind === 'word' && /^-?\d+(\.\d+)?$/.test(v.text)) value = Number(v.text);
    else if (v?.kind === 'word' && ['true', 'false', 'null'].includes(v.text.toLowerCase())) {
      const w = v.text.toLowerCase();
      value = w === 'null' ? null : w === 'true';
    } else throw new SearchSyntaxError(`expected a value after ${attr} ${op}`);
    return (get) => compare(op, get(attr), value);
  }
}

export function parseSearch(expression: string): Predicate {
  if (expression.length > MAX_LENGTH) throw new SearchSyntaxError('expression too long');
  const tokens = tokenize(expression);
  if (tokens.length === 0) throw new SearchSyntaxError('empty expression');
  return new Parser(tokens).parse();
}

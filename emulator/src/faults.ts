// Fault injection for Okta API paths, driven by the control API. Rules: faults are checked in creation order and the
// first matching one applies; a fault with `count` applies to the next N matching calls then disappears, otherwise it
// stays until cleared; input is validated (a ControlError names the bad field). Faults never touch /_emulator paths.
// Effects: latency (real ms, combinable), a fixed status with an Okta error body, a 429 with a chosen reset (optionally
// with the X-Rate-Limit-Reset header sent twice, which the SDK refuses to retry), a truncated JSON body (with `status`,
// default 200), or a dropped connection before or after handling.
import { ControlError } from './errors.js';
import { compileGlob } from './glob.js';
import { base62 } from './ids.js';

export interface Fault {
  id: string;
  path: string;
  method: string | null;
  latencyMs: number;
  status: number | null;
  rateLimitResetSeconds: number | null;
  drop: 'before' | 'after' | null;
  malformedJson: boolean;
  duplicateRateLimitReset: boolean;
  remaining: number | null;
  re: RegExp;
}

function optInt(body: Record<string, unknown>, key: string, min: number, max: number): number | null {
  const v = body[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ControlError(400, `${key} must be an integer from ${min} to ${max}`);
  }
  return v;
}

export class Faults {
  private list: Fault[] = [];

  add(input: unknown): Fault {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ControlError(400, 'body must be a JSON object');
    const body = input as Record<string, unknown>;
    const known = ['path', 'method', 'latencyMs', 'status', 'rateLimitResetSeconds', 'drop', 'count', 'malformedJson', 'duplicateRateLimitReset'];
    const unknown = Object.keys(body).filter((k) => !known.includes(k));
    if (unknown.length) throw new ControlError(400, `unknown field(s): ${unknown.join(', ')}`);
    if (typeof body.path !== 'string' || !body.path.startsWith('/')) throw new ControlError(400, 'path must be a string starting with /');
    if (body.path.startsWith('/_emulator')) throw new ControlError(400, 'path must be an Okta API path, not /_emulator');
    if (body.method !== undefined && (typeof body.method !== 'string' || !/^[A-Za-z]+$/.test(body.method))) {
      throw new ControlError(400, 'method must be an HTTP method name');
    }
    if (body.drop !== undefined && body.drop !== 'before' && body.drop !== 'after') {
      throw new ControlError(400, "drop must be 'before' or 'after'");
    }
    for (const k of ['malformedJson', 'duplicateRateLimitReset']) {
      if (body[k] !== undefined && typeof body[k] !== 'boolean') throw new ControlError(400, `${k} must be a boolean`);
    }
    const fault: Fault = {
      id: 'flt' + base62(17),
      path: body.path,
      method: typeof body.method === 'string' ? body.method.toUpperCase() : null,
      latencyMs: optInt(body, 'latencyMs', 0, 120_000) ?? 0,
      status: optInt(body, 'status', 200, 599),
      rateLimitResetSeconds: optInt(body, 'rateLimitResetSeconds', 0, 86_400),
      drop: (body.drop as Fault['drop']) ?? null,
      malformedJson: body.malformedJson === true,
      duplicateRateLimitReset: body.duplicateRateLimitReset === true,
      remaining: optInt(body, 'count', 1, 1_000_000),
      re: compileGlob(body.path),
    };
    if (fault.status !== null && fault.status < 400 && !fault.malformedJson) {
      throw new ControlError(400, 'status must be from 400 to 599 (200-599 with malformedJson)');
    }
    const answersItself = fault.status !== null && !fault.malformedJson;
    const effects = [answersItself, fault.rateLimitResetSeconds !== null, fault.drop !== null, fault.malformedJson].filter(Boolean).length;
    if (effects > 1) throw new ControlError(400, 'choose at most one of status, rateLimitResetSeconds, drop, malformedJson');
    if (effects === 0 && fault.latencyMs === 0) {
      throw new ControlError(400, 'a fault needs latencyMs, status, rateLimitResetSeconds, drop or malformedJson');
    }
    if (fault.duplicateRateLimitReset && fault.rateLimitResetSeconds === null) {
      throw new ControlError(400, 'duplicateRateLimitReset needs rateLimitResetSeconds');
    }
    this.list.push(fault);
    return fault;
  }

  /** Finds the fault for this call and consumes one of its uses. */
  take(method: string, path: string): Fault | null {
    const i = this.list.findIndex((f) => (!f.method || f.method === method) && f.re.test(path));
    const f = this.list[i];
    if (!f) return null;
    if (f.remaining !== null && --f.remaining <= 0) this.list.splice(i, 1);
    return f;
  }

  all(): Fault[] {
    return [...this.list];
  }

  clear(): void {
    this.list = [];
  }
}

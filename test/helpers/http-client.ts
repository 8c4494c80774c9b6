/**
 * A tiny fetch-based browser stand-in for end-to-end tests over real sockets: keeps cookies,
 * fetches a CSRF token and sends the Origin header a browser would send.
 * Written by hand because it is ~50 lines and a cookie-jar library would bring more than we use.
 */
export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export class ApiClient {
  private readonly cookies = new Map<string, string>();
  private csrfToken: string | null = null;

  constructor(
    readonly baseUrl: string,
    private readonly origin: string = baseUrl,
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    opts: { csrf?: boolean; headers?: Record<string, string> } = {},
  ): Promise<JsonResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    if (this.cookies.size) headers.cookie = this.cookieHeader();
    if (method !== 'GET') {
      headers.origin ??= this.origin;
      if (opts.csrf !== false) {
        if (this.csrfToken === null) await this.fetchCsrf();
        headers['x-csrf-token'] = this.csrfToken!;
        headers.cookie = this.cookieHeader();
      }
    }
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
    });
    this.remember(res);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  }

  async fetchCsrf(): Promise<string> {
    const res = await this.request<{ csrfToken: string }>('GET', '/api/v1/csrf');
    if (res.status !== 200) throw new Error(`GET /api/v1/csrf answered ${res.status}`);
    this.csrfToken = res.body.csrfToken;
    return this.csrfToken;
  }
}

// The log of Okta API calls received, for tests that count calls. Rules: Okta paths only (never /_emulator), the
// path is stored without its query string and the query as parsed key/values, bounded to the newest 5,000 entries;
// bodies and headers are never recorded (they may hold passwords, codes or the API token).
export interface LoggedRequest {
  id: string;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  status: number;
  at: string;
}

const MAX = 5000;

export class RequestLog {
  private entries: LoggedRequest[] = [];

  add(entry: LoggedRequest): void {
    this.entries.push(entry);
    if (this.entries.length > MAX) this.entries.splice(0, this.entries.length - MAX);
  }

  all(): LoggedRequest[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}

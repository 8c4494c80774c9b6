// oidc-provider's storage for one emulator: sessions, interactions, grants, authorization codes and access tokens in
// a Map, plus the OIDC clients from the seed and the control API. Rules: one store per emulator (oidc-provider's own
// memory adapter shares a module-level store between providers in a process and warns on every start); expiry is in
// real time because oidc-provider reads Date.now() for every token; clear() drops everything but the clients
// (used by /_emulator/reset); consuming a code marks it, and revokeByGrantId removes every artefact of a grant, which
// is how oidc-provider refuses a replayed authorization code. Hand-written because the adapter interface is seven
// small methods.
import type { Adapter, AdapterPayload } from 'oidc-provider';

/** Models whose artefacts belong to a grant (oidc-provider's own list). */
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PreAuthorizedCode']);

interface Entry {
  payload: AdapterPayload;
  /** Real epoch ms, or Infinity. */
  expiresAt: number;
}

export class OidcStore {
  private readonly entries = new Map<string, Entry>();
  private readonly grants = new Map<string, Set<string>>();
  private readonly uids = new Map<string, string>();

  constructor(private readonly clientMetadata: (clientId: string) => AdapterPayload | undefined) {}

  /** The adapter constructor oidc-provider instantiates once per model name. */
  adapterClass(): new (model: string) => Adapter {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the adapter class closes over this store
    const store = this;
    return class implements Adapter {
      constructor(private readonly model: string) {}
      private key(id: string): string {
        return `${this.model}:${id}`;
      }
      async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
        store.upsert(this.model, this.key(id), payload, expiresIn);
      }
      async find(id: string): Promise<AdapterPayload | undefined> {
        if (this.model === 'Client') return store.clientMetadata(id);
        return store.get(this.key(id));
      }
      async findByUid(uid: string): Promise<AdapterPayload | undefined> {
        const key = store.uids.get(uid);
        return key ? store.get(key) : undefined;
      }
      async findByUserCode(): Promise<undefined> {
        return undefined; // device flow is not enabled
      }
      async consume(id: string): Promise<void> {
        const p = store.get(this.key(id));
        if (p) p.consumed = Math.floor(Date.now() / 1000);
      }
      async destroy(id: string): Promise<void> {
        store.delete(this.key(id));
      }
      async revokeByGrantId(grantId: string): Promise<void> {
        for (const key of store.grants.get(grantId) ?? []) store.delete(key);
        store.grants.delete(grantId);
      }
    };
  }

  private upsert(model: string, key: string, payload: AdapterPayload, expiresIn?: number): void {
    this.sweep();
    const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Infinity;
    this.entries.set(key, { payload, expiresAt });
    if (model === 'Session' && typeof payload.uid === 'string') this.uids.set(payload.uid, key);
    if (typeof payload.grantId === 'string' && GRANTABLE.has(model)) {
      let set = this.grants.get(payload.grantId);
      if (!set) this.grants.set(payload.grantId, (set = new Set()));
      set.add(key);
    }
  }

  private get(key: string): AdapterPayload | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (Date.now() >= e.expiresAt) {
      this.delete(key);
      return undefined;
    }
    return e.payload;
  }

  private delete(key: string): void {
    const e = this.entries.get(key);
    this.entries.delete(key);
    if (e && typeof e.payload.uid === 'string' && this.uids.get(e.payload.uid) === key) this.uids.delete(e.payload.uid);
  }

  /** Drops expired entries; called on writes so the store stays bounded by the TTLs. */
  private sweep(): void {
    const now = Date.now();
    for (const [key, e] of this.entries) if (now >= e.expiresAt) this.delete(key);
    for (const [grantId, keys] of this.grants) {
      for (const key of keys) if (!this.entries.has(key)) keys.delete(key);
      if (keys.size === 0) this.grants.delete(grantId);
    }
  }

  clear(): void {
    this.entries.clear();
    this.grants.clear();
    this.uids.clear();
  }
}

import type { Bus } from '../context';
import { sha256 } from '../lib/crypto';
import type { Principal } from './principal';
import { scopeFingerprint } from './scope';

/** Bus topic of credential changes (payload: `{ subjects }`, ids only). */
export const CREDENTIALS_CHANGED = 'credentialsChanged';

/**
 * What a cached principal depends on: `token:<id>`, `session:<id>`, `membership:<id>`, and the
 * tenants, domains and sender identities its scope names (`tenant:<id>`, `domain:<id>`,
 * `identity:<id>`). A change to any of them (revoke, pause, update, logout, member change, a deleted
 * tenant, domain or identity, whose scoped tokens go with it) invalidates every entry naming it.
 */
export type CredentialSubject = `token:${string}` | `session:${string}` | `membership:${string}` | `tenant:${string}` | `domain:${string}` | `identity:${string}`;

/** Publishes that credentials changed. Call only after the transaction that changed them committed. */
export function publishCredentialsChanged(bus: Bus, subjects: CredentialSubject[]): void {
  bus.publish(CREDENTIALS_CHANGED, { subjects });
}

/** The subjects a principal's access depends on. */
export function subjectsOf(p: Principal): CredentialSubject[] {
  if (p.kind === 'PUBLIC') return [];
  const own: CredentialSubject[] = p.kind === 'API_TOKEN' ? [`token:${p.tokenId}`] : [`session:${p.sessionId}`, `membership:${p.membershipId}`];
  const s = p.scope;
  const tenants = new Set([...s.tenantIds, ...s.readableTenantIds]);
  return [...own, ...[...tenants].map((id) => `tenant:${id}` as const), ...s.domainIds.map((id) => `domain:${id}` as const), ...s.identityIds.map((id) => `identity:${id}` as const)];
}

const fingerprints = new WeakMap<Principal, string>();

/**
 * A canonical string of a principal's current access; equal strings mean equal access. Principals are
 * never changed once built (a change is a new lookup, a new object), so it is computed once per object:
 * open sockets compare it before every event.
 */
export function accessFingerprint(p: Principal): string {
  if (p.kind === 'PUBLIC') return 'public';
  let f = fingerprints.get(p);
  if (f === undefined) {
    f = `${p.kind}:${scopeFingerprint(p.scope)}`;
    fingerprints.set(p, f);
  }
  return f;
}

/** Per-process cache of credential → current principal, invalidated through the bus. */
export interface CredentialCache {
  /** The stable key of an Authorization value (a hash: secrets are never kept as keys). */
  keyOf(authorization: string): string;
  /**
   * The credential's current principal: cached while fresh, else looked up again. Throws as `authenticate`
   * does. `key` is `keyOf(authorization)` when the caller keeps it (an open socket asks before every event).
   */
  current(authorization: string, key?: string): Promise<Principal>;
  /** The cached principal of a credential key while it is fresh, without a lookup; undefined otherwise. */
  peek(key: string): Principal | undefined;
  /** Looks the credential up now, bypassing (and refreshing) the cache. */
  refresh(authorization: string): Promise<Principal>;
  /** Drops every entry depending on one of `subjects` in this process; listeners hear the dropped keys. */
  invalidate(subjects: readonly string[]): void;
  /** Calls `listener` with the keys of entries dropped by an invalidation; returns the unsubscribe function. */
  onInvalidate(listener: (keys: string[]) => void): () => void;
  /** Stops listening on the bus. */
  stop(): void;
}

/** Options of the cache. */
export interface CredentialCacheOptions {
  /** Resolves an Authorization value to its principal (the database lookup). */
  authenticate(authorization: string): Promise<Principal>;
  bus: Bus;
  now(): number;
  /** How long an entry is trusted without an invalidation (a backstop for scope changes); never past the credential's expiry. */
  maxAgeMs: number;
  /** Most entries kept (oldest dropped first). */
  maxEntries?: number;
}

interface Entry {
  principal: Principal;
  subjects: readonly string[];
  /** Trusted until this instant: the lookup time plus maxAgeMs, or the credential's own expiry if sooner. */
  until: number;
}

function untilOf(principal: Principal, at: number, maxAgeMs: number): number {
  const expires = principal.kind === 'PUBLIC' ? null : principal.expiresAt;
  return expires ? Math.min(at + maxAgeMs, expires.getTime()) : at + maxAgeMs;
}

/**
 * Creates the cache and subscribes it to CREDENTIALS_CHANGED on the bus, so a change committed by
 * any process invalidates this process's entries. Failures are never cached. A lookup that started
 * before an invalidation does not store its (possibly stale) answer.
 */
export function createCredentialCache(opts: CredentialCacheOptions): CredentialCache {
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<Principal>>();
  const listeners = new Set<(keys: string[]) => void>();
  const max = opts.maxEntries ?? 10_000;
  let epoch = 0;

  function keyOf(authorization: string): string {
    return sha256(authorization);
  }

  async function lookup(authorization: string, key: string): Promise<Principal> {
    const started = epoch;
    const principal = await opts.authenticate(authorization);
    if (epoch === started && principal.kind !== 'PUBLIC') {
      entries.delete(key);
      entries.set(key, { principal, subjects: subjectsOf(principal), until: untilOf(principal, opts.now(), opts.maxAgeMs) });
      if (entries.size > max) entries.delete(entries.keys().next().value as string);
    }
    return principal;
  }

  function refresh(authorization: string): Promise<Principal> {
    const key = keyOf(authorization);
    entries.delete(key);
    const p = lookup(authorization, key).finally(() => {
      if (inFlight.get(key) === p) inFlight.delete(key);
    });
    inFlight.set(key, p);
    return p;
  }

  function invalidate(subjects: readonly string[]): void {
    epoch++;
    const wanted = new Set(subjects);
    const dropped: string[] = [];
    for (const [key, e] of entries) {
      if (e.subjects.some((s) => wanted.has(s))) {
        entries.delete(key);
        dropped.push(key);
      }
    }
    inFlight.clear();
    if (dropped.length) for (const l of listeners) l(dropped);
  }

  let stopped = false;
  const stream = opts.bus.subscribe(CREDENTIALS_CHANGED);
  void (async () => {
    for await (const msg of stream) {
      if (stopped) break;
      const subjects = (msg as { subjects?: unknown })?.subjects;
      if (Array.isArray(subjects)) invalidate(subjects.filter((s): s is string => typeof s === 'string'));
    }
  })();

  return {
    keyOf,
    async current(authorization, key = keyOf(authorization)) {
      const hit = entries.get(key);
      if (hit && opts.now() < hit.until) return hit.principal;
      return inFlight.get(key) ?? refresh(authorization);
    },
    peek(key) {
      const hit = entries.get(key);
      return hit && opts.now() < hit.until ? hit.principal : undefined;
    },
    refresh,
    invalidate,
    onInvalidate(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      stopped = true;
      void stream.return?.();
    },
  };
}

/**
 * The bus as this process's code should use it: publishing a credential change also invalidates
 * the local cache at once, so the very next operation on this process (which may arrive before the
 * NOTIFY comes back) already sees the change. Every other topic passes through unchanged.
 */
export function busWithCredentialCache(bus: Bus, cache: CredentialCache): Bus {
  return {
    publish(topic, payload) {
      if (topic === CREDENTIALS_CHANGED) {
        const subjects = (payload as { subjects?: unknown })?.subjects;
        if (Array.isArray(subjects)) cache.invalidate(subjects as string[]);
      }
      bus.publish(topic, payload);
    },
    subscribe: (topic) => bus.subscribe(topic),
  };
}

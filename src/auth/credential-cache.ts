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
  /**
   * The cached principal of a credential key while it is fresh, without waiting for a lookup; undefined
   * otherwise. Given the credential, an entry past three quarters of its age starts a lookup in the background.
   */
  peek(key: string, authorization?: string): Principal | undefined;
  /** Looks the credential up now and stores the answer; the entry it replaces answers other readers meanwhile, a failure drops it. */
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
  /** From this instant (three quarters of its age) a read starts a lookup in the background, so a credential in use is looked up again before its entry runs out. */
  renewAt: number;
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
    let principal: Principal;
    try {
      principal = await opts.authenticate(authorization);
    } catch (err) {
      // A credential that no longer authenticates is not answered from its old entry either.
      entries.delete(key);
      throw err;
    }
    if (epoch === started && principal.kind !== 'PUBLIC') {
      const at = opts.now();
      entries.delete(key);
      entries.set(key, { principal, subjects: subjectsOf(principal), until: untilOf(principal, at, opts.maxAgeMs), renewAt: at + opts.maxAgeMs * 0.75 });
      if (entries.size > max) entries.delete(entries.keys().next().value as string);
    }
    return principal;
  }

  /**
   * Looks the credential up now. Its current entry (if fresh) keeps answering the other readers until
   * the new answer replaces it — a failed lookup drops it — so a lookup never holds up every open
   * socket of the credential. A lookup already on its way (none survives an invalidation) is shared.
   */
  function refresh(authorization: string, key = keyOf(authorization)): Promise<Principal> {
    const running = inFlight.get(key);
    if (running) return running;
    const p = lookup(authorization, key).finally(() => {
      if (inFlight.get(key) === p) inFlight.delete(key);
    });
    inFlight.set(key, p);
    return p;
  }

  /** The fresh entry's principal; past three quarters of its age, a lookup starts in the background (failures are the next reader's to see). */
  function fresh(key: string, authorization: string | undefined): Principal | undefined {
    const hit = entries.get(key);
    const now = opts.now();
    if (!hit || now >= hit.until) return undefined;
    if (authorization !== undefined && now >= hit.renewAt && !inFlight.has(key)) refresh(authorization, key).catch(() => undefined);
    return hit.principal;
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
      return fresh(key, authorization) ?? refresh(authorization, key);
    },
    peek: fresh,
    refresh: (authorization) => refresh(authorization),
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

import { type DocumentNode, type ExecutionArgs, type ExecutionResult, getArgumentValues, getOperationAST, print, subscribe } from 'graphql';
import { accessFingerprint } from '../auth/credential-cache';
import type { Context } from '../context';
import { SHARED_LIVE, type SharedLiveExtension } from '../graphql/shared-live';

type Outcome = AsyncIterable<ExecutionResult> | ExecutionResult;

function isStream(r: Outcome): r is AsyncIterable<ExecutionResult> {
  return typeof r === 'object' && r !== null && Symbol.asyncIterator in r;
}

/**
 * Where a member's results go instead of its iterator, when the transport writes them itself: each
 * result with its JSON (serialised once for every member of the group; `json()` is computed on first use).
 */
export type MemberSink = (result: ExecutionResult, json: () => string) => void;

/**
 * One subscriber's view of a shared stream: what the group broadcast since it joined, in order. Read
 * as an iterator, or — after `attach(sink)` — handed to the sink as it comes, the iterator then only
 * ending (or failing) when the stream does.
 */
export class SharedMember implements AsyncIterableIterator<ExecutionResult> {
  private queue: ExecutionResult[] = [];
  private waiting: { resolve(r: IteratorResult<ExecutionResult>): void; reject(err: unknown): void } | null = null;
  private ended = false;
  private failure: { err: unknown } | null = null;
  private sink: MemberSink | null = null;

  constructor(private readonly leave: (m: SharedMember) => void) {}

  /** From now on results go to `sink` (what was queued first, in order). */
  attach(sink: MemberSink): void {
    this.sink = sink;
    const queued = this.queue;
    this.queue = [];
    for (const r of queued) sink(r, () => JSON.stringify(r));
  }

  push(result: ExecutionResult, json: () => string = () => JSON.stringify(result)): void {
    if (this.ended) return;
    if (this.sink) return this.sink(result, json);
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w.resolve({ value: result, done: false });
    } else this.queue.push(result);
  }

  /** The source ended (with `err` when it failed): queued results still go out, then the error or the end. */
  end(err?: { err: unknown }): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = err ?? null;
    if (this.waiting && this.queue.length === 0) {
      const w = this.waiting;
      this.waiting = null;
      this.settleEnd(w);
    }
  }

  private settleEnd(w: { resolve(r: IteratorResult<ExecutionResult>): void; reject(err: unknown): void }): void {
    const f = this.failure;
    this.failure = null;
    if (f) w.reject(f.err);
    else w.resolve({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    const value = this.queue.shift();
    if (value) return Promise.resolve({ value, done: false });
    if (this.ended) {
      return new Promise((resolve, reject) => this.settleEnd({ resolve, reject }));
    }
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  return(): Promise<IteratorResult<ExecutionResult>> {
    if (!this.ended) this.leave(this);
    this.ended = true;
    this.failure = null;
    this.queue = [];
    const w = this.waiting;
    this.waiting = null;
    w?.resolve({ value: undefined, done: true });
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** One execution of a subscription document, its results handed to every member. */
interface Group {
  members: Set<SharedMember>;
  /** The started source, or the error result every joiner gets. Pending while the first subscribe runs. */
  ready: Promise<{ source: AsyncIterator<ExecutionResult> } | { error: ExecutionResult }>;
  closed: boolean;
}

/** Shares subscription executions between subscribers (see `createSharedSubscribe`). */
export interface SharedSubscriptions {
  subscribe(args: ExecutionArgs): Promise<Outcome>;
  /** How many shared executions are running, and how many subscribers they serve. */
  stats(): { groups: number; members: number };
}

const printed = new WeakMap<DocumentNode, string>();
function documentKey(document: DocumentNode): string {
  let key = printed.get(document);
  if (key === undefined) {
    key = document.loc?.source.body ?? print(document);
    printed.set(document, key);
  }
  return key;
}

/**
 * The key of a shareable subscription, or null when it must run on its own: the root field must be
 * marked `@SharedLive` and none of its `unlessArgs` set. Subscribers share only with the same
 * document, operation name, variables and the same principal with the same access (its kind, whole
 * scope — account, permissions, tenants, domains, identities, template allow-list — and its own key):
 * whatever a resolver reads of the principal is the same for every member, so one result serves all.
 */
export function shareKey(args: ExecutionArgs): string | null {
  const op = getOperationAST(args.document, args.operationName);
  const root = args.schema.getSubscriptionType();
  if (op?.operation !== 'subscription' || !root || op.selectionSet.selections.length !== 1) return null;
  const field = op.selectionSet.selections[0];
  if (field.kind !== 'Field') return null;
  const def = root.getFields()[field.name.value];
  const ext = def?.extensions?.[SHARED_LIVE] as SharedLiveExtension | undefined;
  if (!ext) return null;
  let values: Record<string, unknown>;
  try {
    values = getArgumentValues(def, field, args.variableValues ?? undefined);
  } catch {
    return null;
  }
  if (ext.unlessArgs.some((a) => values[a] !== undefined && values[a] !== null)) return null;
  const ctx = args.contextValue as Context | undefined;
  const principal = ctx?.principal;
  if (!principal || principal.kind === 'PUBLIC') return null;
  const owner = `${principal.scope.principalKey}|${principal.scope.membershipId ?? ''}|${accessFingerprint(principal)}`;
  return JSON.stringify([owner, documentKey(args.document), args.operationName ?? null, args.variableValues ?? null]);
}

/**
 * A `subscribe` for graphql-ws that runs one execution per (document, operation, variables, principal
 * and access) and hands each result to every subscriber of that key: the cost of an event is one
 * execution however many sockets watch it. A subscriber joining a running execution receives what
 * it yields from then on, which is what a stream of its own would yield for fields marked
 * `@SharedLive` (live-only streams). The execution ends when its last subscriber leaves; its errors
 * reach every subscriber, each formatted and guarded by its own socket as before. Anything not
 * shareable runs on its own through graphql's `subscribe`.
 */
export function createSharedSubscriptions(): SharedSubscriptions {
  const groups = new Map<string, Group>();

  function leave(key: string, group: Group, m: SharedMember): void {
    group.members.delete(m);
    if (group.members.size > 0 || group.closed) return;
    group.closed = true;
    if (groups.get(key) === group) groups.delete(key);
    void group.ready.then((r) => {
      if ('source' in r) void r.source.return?.();
    });
  }

  async function pump(key: string, group: Group, source: AsyncIterator<ExecutionResult>): Promise<void> {
    let failure: { err: unknown } | undefined;
    try {
      while (!group.closed) {
        const next = await source.next();
        if (next.done) break;
        const result = next.value;
        let json: string | undefined;
        const once = () => (json ??= JSON.stringify(result));
        for (const m of group.members) m.push(result, once);
      }
    } catch (err) {
      failure = { err };
    } finally {
      group.closed = true;
      if (groups.get(key) === group) groups.delete(key);
      for (const m of group.members) m.end(failure);
    }
  }

  function start(key: string, args: ExecutionArgs): Group {
    const group: Group = { members: new Set(), closed: false, ready: null as never };
    group.ready = Promise.resolve(subscribe(args)).then(
      (r) => {
        if (!isStream(r)) {
          // Refused (permission, bad argument): nothing runs; each subscriber gets the same answer.
          group.closed = true;
          if (groups.get(key) === group) groups.delete(key);
          return { error: r };
        }
        const source = r[Symbol.asyncIterator]();
        void pump(key, group, source);
        return { source };
      },
      (err: unknown) => {
        group.closed = true;
        if (groups.get(key) === group) groups.delete(key);
        throw err;
      },
    );
    groups.set(key, group);
    return group;
  }

  return {
    async subscribe(args) {
      const key = shareKey(args);
      if (key === null) return subscribe(args);
      let group = groups.get(key);
      if (!group || group.closed) group = start(key, args);
      const member = new SharedMember((m) => leave(key, group, m));
      // Joined before any await: it misses nothing the execution yields after this call.
      group.members.add(member);
      const ready = await group.ready.catch((err: unknown) => {
        group.members.delete(member);
        throw err;
      });
      if ('error' in ready) {
        group.members.delete(member);
        return ready.error;
      }
      return member;
    },
    stats() {
      let members = 0;
      for (const g of groups.values()) members += g.members.size;
      return { groups: groups.size, members };
    },
  };
}

import type { BlocklistZone } from '../../config-blocklist';
import type { DnsLookup } from '../../context';
import { isDomainTarget, queryName } from './address';

/** One address (or domain) listed in one zone. */
export interface Listing {
  address: string;
  zone: string;
  /** The A records answered (127.0.0.x): what the list says about it. */
  returnCodes: string[];
  /** The TXT record of the listing, when the zone publishes one. */
  reason: string | null;
}

/** How one zone fared in a round. */
export interface ZoneOutcome {
  zone: string;
  kind: 'ip' | 'domain';
  /** False when the zone failed its self-test or answered an error: none of its answers count then. */
  healthy: boolean;
  /** Why it is unhealthy. */
  error: string | null;
  /** Its listings (empty when unhealthy). */
  listings: Listing[];
}

/** A whole round: each zone's outcome, for the addresses given. */
export interface RoundOutcome {
  zones: ZoneOutcome[];
  /** The addresses looked up. */
  targets: string[];
}

/** What a round needs. */
export interface RoundOptions {
  dns: DnsLookup;
  zones: readonly BlocklistZone[];
  targets: readonly string[];
  timeoutMs: number;
  concurrency: number;
  /** Called as lookups finish (done of total), at most every few percent. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Answers that are no listing but the zone telling the querier something went wrong: Spamhaus's
 * 127.255.255.252 (typo in the zone name), .254 (query through a public resolver), .255 (too many
 * queries), 127.0.1.255 (a domain list asked about an IP), and 127.0.0.1 (URIBL's "refused").
 */
export const ERROR_CODES: ReadonlySet<string> = new Set(['127.255.255.252', '127.255.255.253', '127.255.255.254', '127.255.255.255', '127.0.1.255', '127.0.0.1']);

type Answer = { kind: 'listed'; codes: string[] } | { kind: 'clear' } | { kind: 'error'; error: string };

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} timed out after ${ms} ms`), { code: 'ETIMEOUT' })), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Classifies the A answer of a query name (RFC 5782 §2.1: NXDOMAIN is "not listed"). Pure but for the lookup. */
async function lookupA(dns: DnsLookup, name: string, timeoutMs: number): Promise<Answer> {
  try {
    const codes = [...new Set(await withTimeout(dns.resolve4(name), timeoutMs, `A ${name}`))].sort();
    if (codes.length === 0) return { kind: 'clear' };
    const bad = codes.find((c) => ERROR_CODES.has(c) || !c.startsWith('127.'));
    if (bad) return { kind: 'error', error: ERROR_CODES.has(bad) ? `answered the error code ${bad}` : `answered ${bad}, which is no listing code (a resolver rewriting NXDOMAIN?)` };
    return { kind: 'listed', codes };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND' || code === 'ENODATA') return { kind: 'clear' };
    return { kind: 'error', error: `lookup failed (${code ?? (err as Error).message})` };
  }
}

async function lookupReason(dns: DnsLookup, name: string, timeoutMs: number): Promise<string | null> {
  try {
    const txt = await withTimeout(dns.resolveTxt(name), timeoutMs, `TXT ${name}`);
    const joined = txt
      .map((parts) => parts.join(''))
      .join(' ')
      .trim();
    return joined ? joined.slice(0, 1000) : null;
  } catch {
    return null;
  }
}

/** The RFC 5782 §5 test entries of a zone: what must be listed and what must not. */
function testEntries(kind: 'ip' | 'domain'): { listed: string; clear: string } {
  return kind === 'ip' ? { listed: '127.0.0.2', clear: '127.0.0.1' } : { listed: 'test', clear: 'invalid' };
}

/** Runs `tasks` with at most `limit` at once. */
async function pool(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

/** Self-tests a zone: its listed test entry must be listed, its clear one must not; null when it passes, else why. */
async function selfTest(o: RoundOptions, z: BlocklistZone): Promise<string | null> {
  const t = testEntries(z.kind);
  const [listed, clear] = await Promise.all([lookupA(o.dns, queryName(t.listed, z.zone), o.timeoutMs), lookupA(o.dns, queryName(t.clear, z.zone), o.timeoutMs)]);
  if (listed.kind === 'error') return `self-test: ${t.listed} ${listed.error}`;
  if (listed.kind !== 'listed') return `self-test failed: the test entry ${t.listed} is not listed`;
  if (clear.kind === 'error') return `self-test: ${t.clear} ${clear.error}`;
  if (clear.kind === 'listed') return `self-test failed: ${t.clear} is listed (the zone lists everything)`;
  return null;
}

/**
 * One check round: self-tests every zone (RFC 5782 §5), then looks each target up in every zone of
 * its kind that passed (A for the listing, TXT for the reason), at most `concurrency` lookups at a
 * time, each with `timeoutMs`. A zone that fails its self-test, or answers any lookup with an error
 * code or an error, is unhealthy for the round: none of its answers count, neither as listed nor as
 * clean. Side effect: DNS queries.
 */
export async function runRound(o: RoundOptions): Promise<RoundOutcome> {
  const targets = [...o.targets];
  const zones = o.zones.filter((z) => targets.some((t) => isDomainTarget(t) === (z.kind === 'domain')));
  const perZone = new Map(zones.map((z) => [z.zone, targets.filter((t) => isDomainTarget(t) === (z.kind === 'domain'))]));
  const total = zones.reduce((n, z) => n + 2 + perZone.get(z.zone)!.length, 0);
  let done = 0;
  let reported = 0;
  const tick = (n: number) => {
    done += n;
    if (o.onProgress && (done === total || done - reported >= Math.max(1, Math.ceil(total / 20)))) {
      reported = done;
      o.onProgress(done, total);
    }
  };
  const outcomes = new Map<string, ZoneOutcome>(zones.map((z) => [z.zone, { zone: z.zone, kind: z.kind, healthy: true, error: null, listings: [] }]));
  const fail = (zone: string, error: string) => {
    const out = outcomes.get(zone)!;
    if (out.healthy) Object.assign(out, { healthy: false, error });
  };
  await pool(
    zones.map((z) => async () => {
      const error = await selfTest(o, z);
      if (error) fail(z.zone, error);
      tick(2);
    }),
    o.concurrency,
  );
  const tasks: (() => Promise<void>)[] = [];
  for (const z of zones) {
    const list = perZone.get(z.zone)!;
    if (!outcomes.get(z.zone)!.healthy) {
      tick(list.length);
      continue;
    }
    for (const target of list) {
      tasks.push(async () => {
        if (outcomes.get(z.zone)!.healthy) {
          const name = queryName(target, z.zone);
          const a = await lookupA(o.dns, name, o.timeoutMs);
          if (a.kind === 'error') fail(z.zone, `${target}: ${a.error}`);
          else if (a.kind === 'listed') outcomes.get(z.zone)!.listings.push({ address: target, zone: z.zone, returnCodes: a.codes, reason: await lookupReason(o.dns, name, o.timeoutMs) });
        }
        tick(1);
      });
    }
  }
  await pool(tasks, o.concurrency);
  const result = [...outcomes.values()].map((z) => (z.healthy ? { ...z, listings: z.listings.sort((a, b) => a.address.localeCompare(b.address)) } : { ...z, listings: [] }));
  return { zones: result, targets };
}

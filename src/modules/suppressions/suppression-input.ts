import { type Context, requireAccountWide } from '../../context';
import { badInput } from '../../graphql/errors';
import { parseEmailAddress } from '../mail/address';
import { loadDomain } from '../domains/domain.service';
import { parseBlockEntry } from './pattern';
import { SuppressionList } from './suppression.enums';
import { SUPPRESSION_LIMITS } from './suppressions.inputs';

/** The list an API entry goes to and the domain (with its tenant) it belongs to; null domain = the account-wide blocklist. */
export interface EntryTarget {
  accountId: string;
  list: SuppressionList;
  domainId: string | null;
  tenantId: string | null;
}

/**
 * Checks the list and the domain of an add or import: the domain must be in the caller's scope
 * (NOT_FOUND otherwise, as a missing one); no domain means the account-wide blocklist, for
 * account-wide principals only. ON_HOLD is placed by soft bounces only (BAD_USER_INPUT naming `list`).
 */
export async function entryTarget(ctx: Context, accountId: string, list: SuppressionList, domainGid: string | null | undefined): Promise<EntryTarget> {
  if (list === SuppressionList.ON_HOLD) throw badInput('list', 'ON_HOLD entries are placed by soft bounces, not added');
  if (!domainGid) {
    if (list !== SuppressionList.BLOCKLIST) throw badInput('domainId', `domainId is needed for ${list}: only the BLOCKLIST is account-wide`);
    requireAccountWide(ctx);
    return { accountId, list, domainId: null, tenantId: null };
  }
  const domain = await loadDomain(ctx, domainGid, 'domainId');
  return { accountId, list, domainId: domain.id, tenantId: domain.tenant?.id ?? null };
}

/** A parsed address or pattern. */
export interface ParsedEntry {
  recipient: string | null;
  pattern: string | null;
  likePattern: string | null;
}

/** Parses one address (or, for BLOCKLIST, pattern); a reason when it is not one. Pure. */
export function parseEntry(list: SuppressionList, raw: string, asPattern: boolean): ParsedEntry | { reason: string } {
  if (list === SuppressionList.BLOCKLIST) {
    const e = parseBlockEntry(raw);
    if (!e.ok) return { reason: e.reason };
    if (!asPattern && e.pattern) return { reason: 'is a pattern: pass it in patterns' };
    return { recipient: e.recipient, pattern: e.pattern, likePattern: e.like };
  }
  const a = parseEmailAddress(raw);
  return a.ok ? { recipient: a.email, pattern: null, likePattern: null } : { reason: a.reason };
}

/** Parses the recipients and patterns of addSuppressions or throws BAD_USER_INPUT naming `recipients[i]` / `patterns[i]`. */
export function parseEntries(list: SuppressionList, recipients: readonly string[], patterns: readonly string[]): ParsedEntry[] {
  if (recipients.length + patterns.length === 0) throw badInput('recipients', 'recipients or patterns must list at least one entry');
  if (recipients.length + patterns.length > SUPPRESSION_LIMITS.addEntries)
    throw badInput('recipients', `at most ${SUPPRESSION_LIMITS.addEntries} entries at once (too many rows): use importSuppressions`);
  if (patterns.length && list !== SuppressionList.BLOCKLIST) throw badInput('patterns', 'patterns are for the BLOCKLIST only');
  const out: ParsedEntry[] = [];
  recipients.forEach((r, i) => {
    const e = parseEntry(list, r, false);
    if ('reason' in e) throw badInput(`recipients[${i}]`, `recipients[${i}] ${e.reason}`);
    out.push(e);
  });
  patterns.forEach((p, i) => {
    const e = parseEntry(list, p, true);
    if ('reason' in e) throw badInput(`patterns[${i}]`, `patterns[${i}] ${e.reason}`);
    out.push(e);
  });
  return out;
}

/** Normalises a free-text reason or throws BAD_USER_INPUT naming `reason`. Pure. */
export function reasonOf(raw: string | null | undefined): string | null {
  const value = raw?.trim() ?? '';
  if (value.length > SUPPRESSION_LIMITS.reason) throw badInput('reason', `reason must be at most ${SUPPRESSION_LIMITS.reason} characters`);
  if (/[\u0000-\u001f\u007f]/.test(value)) throw badInput('reason', 'reason must not contain control characters');
  return value || null;
}

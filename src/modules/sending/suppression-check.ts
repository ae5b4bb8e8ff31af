import type { EntityManager } from '@mikro-orm/postgresql';
import { findSuppressions } from '../suppressions/suppressions.queries';
import type { Suppression } from '../suppressions/suppression.entity';
import { pushTo } from '../../lib/collections';

/** What the sending path needs of a message to check its recipient. */
export interface SuppressionTarget {
  accountId: string;
  domainId: string;
  senderIdentityId: string | null;
  recipient: string;
}

/**
 * The suppression entry that stops each target, if any — one indexed query per sending origin
 * (account, domain, sender identity) in the batch, so a bulk chunk costs a query or two, never one
 * per recipient. Identity mail is checked against the domain's own entries and that identity's
 * (never another client's on the same agency domain); domain mail against the domain's own entries.
 */
export async function suppressionsFor<T extends SuppressionTarget>(em: EntityManager, targets: readonly T[]): Promise<Map<T, Suppression>> {
  const byOrigin = new Map<string, T[]>();
  for (const t of targets) {
    const key = `${t.accountId}|${t.domainId}|${t.senderIdentityId ?? ''}`;
    pushTo(byOrigin, key, t);
  }
  const out = new Map<T, Suppression>();
  for (const group of byOrigin.values()) {
    const { accountId, domainId, senderIdentityId } = group[0];
    const found = await findSuppressions(
      em,
      { accountId, domainId, senderIdentityId },
      group.map((t) => t.recipient),
    );
    for (const t of group) {
      const entry = found.get(t.recipient);
      if (entry) out.set(t, entry);
    }
  }
  return out;
}

/** The data of a SUPPRESSED event: which list stopped the message, and the entry's id. */
export function suppressedEventData(entry: Suppression): Record<string, unknown> {
  return { list: entry.list, suppressionId: entry.gid };
}

import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Claims event keys (`<message uuid>:<external id>`) for an account in one statement (`on conflict do nothing`); returns
 * the ids that were new. An id claimed by a concurrent, uncommitted call waits for it and then
 * counts as taken, so each id is recorded once. Side effect: writes `ingested_event_ids` in the
 * caller's transaction.
 */
export async function claimEventIds(em: EntityManager, accountId: string, externalIds: readonly string[]): Promise<Set<string>> {
  if (externalIds.length === 0) return new Set();
  const rows: { external_id: string }[] = await em.execute(
    `insert into ingested_event_ids (account_id, external_id)
     select ?, x from jsonb_array_elements_text(?::jsonb) as x
     on conflict do nothing
     returning external_id`,
    [accountId, JSON.stringify(externalIds)],
  );
  return new Set(rows.map((r) => r.external_id));
}

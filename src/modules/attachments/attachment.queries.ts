import { executeWithParams } from '../../db/raw-params.queries';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RowScope } from '../../auth/scope';
import { scopeCondition, SqlParams } from '../../db/scope-sql';
import type { AttachmentDisposition } from './attachment-disposition';

/** Bytes to store under their hash (null: stored already, only its use is recorded). */
export interface BlobWrite {
  sha256: string;
  size: number;
  bytes: Buffer | null;
}

/**
 * Stores each distinct blob of an account once (an existing one is kept, only its last use moves) and
 * returns the hashes of referenced blobs (bytes null) that are not stored (none, unless removed
 * meanwhile). Writes, in the caller's transaction.
 */
export async function storeBlobs(em: EntityManager, accountId: string, blobs: readonly BlobWrite[]): Promise<string[]> {
  const distinct = new Map<string, BlobWrite>();
  for (const b of blobs) if (!distinct.get(b.sha256)?.bytes) distinct.set(b.sha256, b);
  const refs: string[] = [];
  for (const b of distinct.values()) {
    if (!b.bytes) {
      refs.push(b.sha256);
      continue;
    }
    // Bound, not inlined: em.execute would format megabytes of bytes into the query text (~100 ms per MB).
    await executeWithParams(
      em,
      `insert into attachment_blobs (account_id, sha256, size, bytes, created_at, last_used_at) values (?, ?, ?, ?, now(), now())
       on conflict (account_id, sha256) do update set last_used_at = now()`,
      [accountId, b.sha256, b.size, b.bytes],
    );
  }
  if (!refs.length) return [];
  const found = await em.execute<{ sha256: string }[]>(`update attachment_blobs set last_used_at = now() where account_id = ? and sha256 = any(?::text[]) returning sha256`, [
    accountId,
    `{${refs.join(',')}}`,
  ]);
  const have = new Set(found.map((r) => r.sha256));
  return refs.filter((h) => !have.has(h));
}

/** One attachment of a message as delivery reads it, bytes included. */
export interface DeliveryAttachment {
  filename: string;
  contentType: string;
  disposition: AttachmentDisposition;
  contentId: string | null;
  bytes: Buffer;
}

/** The attachments of a message, in order, with their bytes (the delivery job's read; system). Reads only. */
export function attachmentsForDelivery(em: EntityManager, messageId: string): Promise<DeliveryAttachment[]> {
  return em.execute<DeliveryAttachment[]>(
    `select l.filename, l.content_type as "contentType", l.disposition, l.content_id as "contentId", b.bytes
     from message_attachments l join attachment_blobs b on b.account_id = l.account_id and b.sha256 = l.blob_sha256
     where l.message_id = ? order by l.position`,
    [messageId],
  );
}

/** The bytes of message attachments by id, for those the scope reaches (others are absent from the map). Reads only. */
export async function attachmentContents(em: EntityManager, scope: RowScope, ids: readonly string[]): Promise<Map<string, Buffer>> {
  const q = new SqlParams();
  const idList = q.uuids(ids);
  const rows = await em.execute<{ id: string; bytes: Buffer }[]>(
    `select l.id, b.bytes from message_attachments l join attachment_blobs b on b.account_id = l.account_id and b.sha256 = l.blob_sha256
     where l.id = any(${idList}) and ${scopeCondition(q, scope, 'l')}`,
    q.params,
  );
  return new Map(rows.map((r) => [r.id, r.bytes]));
}

/** Removes up to `limit` blobs that no message attachment and no template points to and that were not used since `unusedSince`; returns how many. Writes. */
export async function deleteUnusedBlobs(em: EntityManager, unusedSince: Date, limit: number): Promise<number> {
  const rows = await em.execute<{ n: string }[]>(
    `with gone as (delete from attachment_blobs where ctid in (
       select b.ctid from attachment_blobs b where b.last_used_at < ?
         and not exists (select 1 from message_attachments l where l.account_id = b.account_id and l.blob_sha256 = b.sha256)
         and not exists (select 1 from templates t where t.account_id = b.account_id
           and t.attachments @> jsonb_build_array(jsonb_build_object('stored', jsonb_build_object('sha256', b.sha256))))
       limit ?) returning 1)
     select count(*) as n from gone`,
    [unusedSince.toISOString(), limit],
  );
  return Number(rows[0].n);
}

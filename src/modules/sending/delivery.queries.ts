import type { EntityManager } from '@mikro-orm/postgresql';
import { DELIVERABLE } from './message-status';

/** What delivery reads of a message: a plain row, no entity tracking (the hot path of the worker). */
export interface DeliveryRow {
  id: string;
  accountId: string;
  tenantId: string | null;
  domainId: string;
  senderIdentityId: string | null;
  templateId: string | null;
  fromEmail: string;
  fromName: string | null;
  replyToEmail: string | null;
  replyToName: string | null;
  recipient: string;
  addressing: { to: { email: string; name?: string | null }[]; cc: { email: string; name?: string | null }[] };
  subject: string | null;
  html: string | null;
  text: string | null;
  raw: string | null;
  messageIdHeader: string | null;
  variables: Record<string, unknown> | null;
  headers: Record<string, string>;
  tags: string[];
  sendAt: Date | null;
  createdAt: Date;
  verpToken: string;
  attempts: number;
}

const COLUMNS = `id, account_id as "accountId", tenant_id as "tenantId", domain_id as "domainId", sender_identity_id as "senderIdentityId",
  template_id as "templateId", from_email as "fromEmail", from_name as "fromName", reply_to_email as "replyToEmail", reply_to_name as "replyToName",
  recipient, addressing, subject, html, text, raw, message_id_header as "messageIdHeader", variables, headers, tags,
  send_at as "sendAt", created_at as "createdAt", verp_token as "verpToken", attempts`;

const IN_DELIVERABLE = `status in (${DELIVERABLE.map((s) => `'${s}'`).join(', ')})`;

/** The message, while it is deliverable (not final, not cancelled); null otherwise. Reads only. */
export async function loadDeliverable(em: EntityManager, id: string): Promise<DeliveryRow | null> {
  const rows = await em.execute<DeliveryRow[]>(`select ${COLUMNS} from messages where id = ? and ${IN_DELIVERABLE}`, [id]);
  const row = rows[0];
  return row ? { ...row, sendAt: row.sendAt ? new Date(row.sendAt) : null, createdAt: new Date(row.createdAt) } : null;
}

/** Content built for an attempt: what was rendered when the message came due, and the signed MIME (null: not kept, see beginAttempt). */
export interface BuiltContent {
  subject: string | null;
  html: string | null;
  text: string | null;
  raw: string | null;
  messageIdHeader: string;
  /** The template was rendered now: its variables are dropped. */
  rendered: boolean;
}

/**
 * Marks an attempt in one statement, before anything is sent: counts it, makes a due scheduled
 * message QUEUED and stores the built content (first attempt) — only while the message is still
 * deliverable, so a cancellation or another run's final outcome that committed first wins.
 * Returns the attempt number, or null when the message is no longer deliverable.
 */
export async function markAttempt(em: EntityManager, id: string, built: BuiltContent | null): Promise<number | null> {
  const set = built ? `, subject = ?, html = ?, text = ?, raw = ?, message_id_header = ?, variables = case when ? then null else variables end` : '';
  const params = built ? [built.subject, built.html, built.text, built.raw, built.messageIdHeader, built.rendered] : [];
  const rows = await em.execute<{ attempts: number }[]>(
    `update messages set attempts = attempts + 1, status = case when status = 'SCHEDULED' then 'QUEUED' else status end, updated_at = now()${set}
     where id = ? and ${IN_DELIVERABLE} returning attempts`,
    [...params, id],
  );
  return rows[0]?.attempts ?? null;
}

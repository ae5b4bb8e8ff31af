import { ActivityEventType } from './event-type';

/** An event as stored, in plain form: what the feed hands to subscribers and the API renders. */
export interface EventRow {
  id: string;
  occurredAt: Date;
  type: ActivityEventType;
  accountId: string;
  messageId: string;
  tenantId: string | null;
  domainId: string;
  senderIdentityId: string | null;
  recipient: string;
  tags: string[];
  data: Record<string, unknown>;
}

/** A new event to record; `occurredAt` defaults to now; `templateId` is its message's template (stored for the analytics consumer, not read back). */
export type NewEvent = Omit<EventRow, 'id' | 'occurredAt'> & { occurredAt?: Date; templateId?: string | null };

/** Maps a database row (snake_case) to an EventRow. */
export function toEventRow(r: Record<string, unknown>): EventRow {
  return {
    id: String(r.id),
    occurredAt: r.occurred_at instanceof Date ? r.occurred_at : new Date(String(r.occurred_at)),
    type: r.type as ActivityEventType,
    accountId: String(r.account_id),
    messageId: String(r.message_id),
    tenantId: (r.tenant_id as string | null) ?? null,
    domainId: String(r.domain_id),
    senderIdentityId: (r.sender_identity_id as string | null) ?? null,
    recipient: String(r.recipient),
    tags: (r.tags as string[]) ?? [],
    data: (r.data as Record<string, unknown>) ?? {},
  };
}

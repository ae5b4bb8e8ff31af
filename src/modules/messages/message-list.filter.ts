import type { FilterQuery } from '@mikro-orm/postgresql';
import { badInput } from '../../graphql/errors';
import { fromGlobalId } from '../../graphql/global-id';
import { requireEmail } from '../mail/address';
import type { BulkSend } from '../sending/bulk-send.entity';
import type { Message } from '../sending/message.entity';
import type { BulkEmailsFilterInput, MessagesFilterInput } from './message-list.inputs';

// Control characters (C0, DEL, C1) and the Unicode line separators: never part of a stored subject.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** `value` as a LIKE pattern that matches it literally anywhere (`\`, `%` and `_` escaped with the default escape `\`). Pure. */
export function containsPattern(value: string): string {
  return `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function ids(list: string[] | null | undefined, type: string, field: string): string[] | null {
  return list?.length ? list.map((g) => fromGlobalId(g, type, `filter.${field}`)) : null;
}

/** A `[from, to)` range on `prop`, or nothing; BAD_USER_INPUT naming `filter.<toField>` when it is empty. */
function range(prop: string, from: Date | null | undefined, to: Date | null | undefined, toField: string): Record<string, unknown> {
  if (from && to && from >= to) throw badInput(`filter.${toField}`, `filter.${toField} must be after the start of the range`);
  if (!from && !to) return {};
  return { [prop]: { ...(from ? { $gte: from } : {}), ...(to ? { $lt: to } : {}) } };
}

function subjectCondition(raw: string | null | undefined): Record<string, unknown> {
  if (raw === null || raw === undefined) return {};
  const value = raw.trim();
  if (value === '') throw badInput('filter.subject', 'filter.subject must not be empty');
  if (CONTROL.test(value)) throw badInput('filter.subject', 'filter.subject must not contain line breaks or control characters');
  return { subject: { $ilike: containsPattern(value) } };
}

function tagsCondition(tags: string[] | null | undefined): Record<string, unknown> {
  if (!tags?.length) return {};
  tags.forEach((t, i) => {
    if (typeof t !== 'string' || t.length < 1 || t.length > 50 || CONTROL.test(t)) throw badInput(`filter.tags[${i}]`, `filter.tags[${i}] must be 1–50 characters without control characters`);
  });
  return { tags: { $overlap: tags } };
}

/**
 * The messages filter as an ORM `where` on Message (the scope filter is added by the ORM): ids
 * decoded, addresses normalised (so recipient and from match whole addresses, case-insensitively),
 * subject as a case-insensitive substring. BAD_USER_INPUT names the field (`filter.domainIds` …).
 */
export function messagesWhere(f: MessagesFilterInput | null | undefined): FilterQuery<Message> {
  if (!f) return {};
  const w: Record<string, unknown> = {};
  if (f.status?.length) w.status = { $in: [...new Set(f.status)] };
  if (f.tenantId) w.tenant = fromGlobalId(f.tenantId, 'Tenant', 'filter.tenantId');
  const domains = ids(f.domainIds, 'Domain', 'domainIds');
  if (domains) w.domain = { $in: domains };
  const identities = ids(f.senderIdentityIds, 'SenderIdentity', 'senderIdentityIds');
  if (identities) w.senderIdentity = { $in: identities };
  if (f.recipient !== null && f.recipient !== undefined) w.recipient = requireEmail('filter.recipient', f.recipient);
  if (f.from !== null && f.from !== undefined) w.fromEmail = requireEmail('filter.from', f.from);
  if (f.bulkEmailId) w.bulkId = fromGlobalId(f.bulkEmailId, 'BulkSend', 'filter.bulkEmailId');
  Object.assign(w, subjectCondition(f.subject), tagsCondition(f.tags));
  Object.assign(w, range('createdAt', f.createdFrom, f.createdTo, 'createdTo'), range('sendAt', f.sendAtFrom, f.sendAtTo, 'sendAtTo'));
  return w as FilterQuery<Message>;
}

/** The bulk sends filter as an ORM `where` on BulkSend (the scope filter is added by the ORM). */
export function bulkEmailsWhere(f: BulkEmailsFilterInput | null | undefined): FilterQuery<BulkSend> {
  if (!f) return {};
  const w: Record<string, unknown> = {};
  if (f.status?.length) w.status = { $in: [...new Set(f.status)] };
  Object.assign(w, range('createdAt', f.createdFrom, f.createdTo, 'createdTo'));
  return w as FilterQuery<BulkSend>;
}

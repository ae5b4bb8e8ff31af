import { ArrayMaxSize, IsOptional, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { fromGlobalId } from '../../graphql/global-id';
import { badInput } from '../../graphql/errors';
import { ActivityEventType } from '../../events/event-type';
import type { EventRow } from '../../events/event-row';

/** Which events to list or stream. Every condition narrows; the caller's scope always applies first. */
@InputType({ description: 'Which events to list or stream; all conditions must hold. Your scope always applies first.' })
export class ActivityFilterInput {
  @Field(() => ID, { nullable: true, description: 'Only this tenant’s events.' })
  tenantId?: string | null;

  @Field(() => [ID], { nullable: true, description: 'Only events of these domains (the sending domain).' })
  @IsOptional()
  @ArrayMaxSize(100)
  domainIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only events of messages sent as these sender identities.' })
  @IsOptional()
  @ArrayMaxSize(100)
  senderIdentityIds?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'Only events of this message.' })
  messageId?: string | null;

  @Field(() => [ActivityEventType], { nullable: true, description: 'Only these event types.' })
  types?: ActivityEventType[] | null;

  @Field(() => [String], { nullable: true, description: 'Only events of messages with at least one of these tags.' })
  @IsOptional()
  @ArrayMaxSize(20)
  tags?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Only events for this recipient address.' })
  @IsOptional()
  @MaxLength(254)
  recipient?: string | null;

  @Field(() => Date, { nullable: true, description: 'Only events at or after this time.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only events before this time.' })
  to?: Date | null;
}

/** A filter with ids decoded to uuids. */
export interface ResolvedFilter {
  tenantId: string | null;
  domainIds: string[] | null;
  senderIdentityIds: string[] | null;
  messageId: string | null;
  types: ActivityEventType[] | null;
  tags: string[] | null;
  recipient: string | null;
  from: Date | null;
  to: Date | null;
}

/** Decodes a filter's global ids; BAD_USER_INPUT names the field (`filter.domainIds` …). */
export function resolveFilter(f: ActivityFilterInput | null | undefined): ResolvedFilter {
  const ids = (list: string[] | null | undefined, type: string, field: string) => (list?.length ? list.map((g) => fromGlobalId(g, type, `filter.${field}`)) : null);
  if (f?.from && f?.to && f.from >= f.to) throw badInput('filter.to', 'filter.to must be after filter.from');
  return {
    tenantId: f?.tenantId ? fromGlobalId(f.tenantId, 'Tenant', 'filter.tenantId') : null,
    domainIds: ids(f?.domainIds, 'Domain', 'domainIds'),
    senderIdentityIds: ids(f?.senderIdentityIds, 'SenderIdentity', 'senderIdentityIds'),
    messageId: f?.messageId ? fromGlobalId(f.messageId, 'Message', 'filter.messageId') : null,
    types: f?.types?.length ? f.types : null,
    tags: f?.tags?.length ? f.tags : null,
    recipient: f?.recipient ? f.recipient.trim().toLowerCase() : null,
    from: f?.from ?? null,
    to: f?.to ?? null,
  };
}

/** The filter as an ORM `where` on ActivityEvent (the scope filter is added by the ORM). */
export function filterWhere(f: ResolvedFilter): Record<string, unknown> {
  const w: Record<string, unknown> = {};
  if (f.tenantId) w.tenantId = f.tenantId;
  if (f.domainIds) w.domainId = { $in: f.domainIds };
  if (f.senderIdentityIds) w.senderIdentityId = { $in: f.senderIdentityIds };
  if (f.messageId) w.message = f.messageId;
  if (f.types) w.type = { $in: f.types };
  if (f.tags) w.tags = { $overlap: f.tags };
  if (f.recipient) w.recipient = f.recipient;
  if (f.from || f.to) w.occurredAt = { ...(f.from ? { $gte: f.from } : {}), ...(f.to ? { $lt: f.to } : {}) };
  return w;
}

/** Whether a live event matches the filter (the in-memory twin of filterWhere). */
export function filterMatches(f: ResolvedFilter, e: EventRow): boolean {
  return (
    (!f.tenantId || e.tenantId === f.tenantId) &&
    (!f.domainIds || f.domainIds.includes(e.domainId)) &&
    (!f.senderIdentityIds || (e.senderIdentityId !== null && f.senderIdentityIds.includes(e.senderIdentityId))) &&
    (!f.messageId || e.messageId === f.messageId) &&
    (!f.types || f.types.includes(e.type)) &&
    (!f.tags || e.tags.some((t) => f.tags!.includes(t))) &&
    (!f.recipient || e.recipient === f.recipient) &&
    (!f.from || e.occurredAt >= f.from) &&
    (!f.to || e.occurredAt < f.to)
  );
}

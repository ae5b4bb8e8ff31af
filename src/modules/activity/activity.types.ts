import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { badInput } from '../../graphql/errors';
import { PageInfo } from '../../graphql/pagination';
import type { ActivityEvent } from './activity-event.entity';
import { ActivityEventType } from './activity-event.types';
import type { EventRow } from './event-row';

/** Opaque cursor of an event (its commit-ordered id). */
export function encodeEventCursor(id: string): string {
  return Buffer.from(`e1:${id}`, 'utf8').toString('base64url');
}

/** Decodes an event cursor or throws BAD_USER_INPUT naming `field`. */
export function decodeEventCursor(cursor: string, field = 'after'): string {
  const raw = /^[A-Za-z0-9_-]{1,60}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const id = raw.startsWith('e1:') ? raw.slice(3) : '';
  if (!/^[0-9]{1,19}$/.test(id)) throw badInput(field, `${field} is not a valid event cursor`);
  return id;
}

/** An event as the API shows it. */
@ObjectType('ActivityEvent', { description: 'Something that happened to a message (queued, delivered, opened, bounced…).' })
export class ActivityEventNode {
  constructor(row: EventRow) {
    this.row = row;
  }

  /** The stored event. */
  row: EventRow;

  @Field(() => ID, { description: 'Opaque id of the event.' })
  get id(): string {
    return Buffer.from(`ActivityEvent:${this.row.id}`, 'utf8').toString('base64url');
  }

  @Field(() => String, { description: 'Cursor of the event: pass it as `after` to the activity query (older events) or subscription (replay newer events, then live).' })
  get cursor(): string {
    return encodeEventCursor(this.row.id);
  }

  @Field(() => ActivityEventType, { description: 'What happened.' })
  get type(): ActivityEventType {
    return this.row.type;
  }

  @Field(() => Date, { description: 'When it happened.' })
  get occurredAt(): Date {
    return this.row.occurredAt;
  }

  @Field(() => String, { description: 'The recipient address.' })
  get recipient(): string {
    return this.row.recipient;
  }

  @Field(() => [String], { description: 'The message’s tags.' })
  get tags(): string[] {
    return this.row.tags;
  }

  @Field(() => GraphQLJSONObject, { description: 'Details: SMTP reply, bounce status and diagnostic, clicked URL, user agent, country…' })
  get details(): Record<string, unknown> {
    return this.row.data;
  }
}

/** Maps an ORM event to the API shape. */
export function eventNodeFromEntity(e: ActivityEvent): ActivityEventNode {
  return new ActivityEventNode({
    id: String(e.id),
    occurredAt: e.occurredAt,
    type: e.type,
    accountId: e.account.id,
    messageId: e.message.id,
    tenantId: e.tenantId,
    domainId: e.domainId,
    senderIdentityId: e.senderIdentityId,
    recipient: e.recipient,
    tags: e.tags,
    data: e.data,
  });
}

/** An edge to an event. */
@ObjectType({ description: 'An edge to an event.' })
export class ActivityEventEdge {
  @Field(() => String, { description: 'Cursor of the event.' })
  cursor!: string;

  @Field(() => ActivityEventNode, { description: 'The event.' })
  node!: ActivityEventNode;
}

/** A page of events, newest first. */
@ObjectType({ description: 'A page of events, newest first.' })
export class ActivityEventConnection {
  @Field(() => [ActivityEventEdge], { description: 'The events with their cursors.' })
  edges!: ActivityEventEdge[];

  @Field(() => PageInfo, { description: 'Pagination state.' })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'How many events match, over all pages.' })
  totalCount!: number;
}

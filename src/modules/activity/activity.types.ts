import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Int, ObjectType } from 'type-graphql';
import { openSealedGlobalId, toSealedGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { decodeSequenceCursor, encodeSequenceCursor, PageInfo } from '../../graphql/pagination';
import type { ActivityEvent } from './activity-event.entity';
import { ActivityEventType } from '../../events/event-type';
import type { EventRow } from '../../events/event-row';

/** What event ids and cursors are sealed for (key derivation purpose and global id type). */
const EVENT_TYPE_NAME = 'ActivityEvent';

/** Opaque cursor of an event: its commit-ordered id sealed under the server secret, bound to its account. */
export function encodeEventCursor(secret: Buffer, accountId: string, id: string): string {
  return encodeSequenceCursor(secret, EVENT_TYPE_NAME, accountId, id);
}

/** Decodes an event cursor of the caller's account to the event id, or throws BAD_USER_INPUT naming `field`. */
export function decodeEventCursor(secret: Buffer, accountId: string, cursor: string, field = 'after'): string {
  return decodeSequenceCursor(secret, EVENT_TYPE_NAME, accountId, cursor, field);
}

/** The event id in an event's global id for the caller's account; null when it is not one. */
export function openEventGlobalId(secret: Buffer, accountId: string, gid: string): string | null {
  return openSealedGlobalId(secret, gid, EVENT_TYPE_NAME, accountId);
}

/** An event as the API shows it; its id and cursor are sealed, so they say nothing about other clients' events. */
@ObjectType(EVENT_TYPE_NAME, { implements: Node, description: 'Something that happened to a message (queued, delivered, opened, bounced…).' })
export class ActivityEventNode implements Node {
  constructor(row: EventRow, secret: Buffer) {
    this.row = row;
    this.secret = secret;
  }

  /** The stored event. */
  readonly row: EventRow;

  private readonly secret: Buffer;

  get nodeType(): string {
    return EVENT_TYPE_NAME;
  }

  get gid(): string {
    return toSealedGlobalId(this.secret, EVENT_TYPE_NAME, this.row.accountId, this.row.id);
  }

  @Field(() => String, { description: 'Cursor of the event: pass it as `after` to the activity query (older events) or subscription (replay newer events, then live).' })
  get cursor(): string {
    return encodeEventCursor(this.secret, this.row.accountId, this.row.id);
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

/** Maps an ORM event to the API shape (ids sealed under `secret`). */
export function eventNodeFromEntity(e: ActivityEvent, secret: Buffer): ActivityEventNode {
  return new ActivityEventNode(
    {
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
    },
    secret,
  );
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

import { ArrayType, Entity, Enum, Filter, Index, ManyToOne, Property, type Ref, Unique } from '@mikro-orm/core';
import { MessageOwned, messageScopeFilter } from './message-owned.entity';
import { Field, ObjectType } from 'type-graphql';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import type { ActivityEventType } from '../../events/event-type';
import { statusAfter } from './message-status';
import { MessageStatus } from './message.types';

/**
 * One e-mail to one recipient. Scoped by the sending domain, the tenant and the sender identity:
 * an identity-scoped principal sees only messages whose identity is its own (by id, never by tag).
 */
@Entity({ tableName: 'messages' })
@Index({ properties: ['account', 'id'] })
@Index({ properties: ['domain', 'id'] })
@Index({ properties: ['tenant', 'id'] })
@Index({ properties: ['senderIdentity', 'id'] })
@Index({ properties: ['bulkId'] })
@Index({ properties: ['account', 'tenant', 'createdAt', 'id'] })
@Index({ properties: ['account', 'status', 'id'] })
@Index({ properties: ['account', 'recipient', 'id'] })
@Unique({ properties: ['verpToken'] })
@Filter(messageScopeFilter)
@ObjectType({ implements: Node, description: 'One e-mail to one recipient, with its events.' })
export class Message extends MessageOwned implements Node {
  get nodeType(): string {
    return 'Message';
  }

  @Property({ type: 'uuid', nullable: true })
  templateId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  bulkId: string | null = null;

  @Field(() => String, { description: 'The From address.' })
  @Property({ type: 'text' })
  fromEmail!: string;

  @Field(() => String, { nullable: true, description: 'The From display name.' })
  @Property({ type: 'text', nullable: true })
  fromName: string | null = null;

  @Property({ type: 'text', nullable: true })
  replyToEmail: string | null = null;

  @Property({ type: 'text', nullable: true })
  replyToName: string | null = null;

  @Field(() => String, { description: 'The recipient address.' })
  @Property({ type: 'text' })
  recipient!: string;

  @Property({ type: 'text', nullable: true })
  recipientName: string | null = null;

  /** How the recipient was addressed: to, cc or bcc. */
  @Property({ type: 'text' })
  recipientKind: 'to' | 'cc' | 'bcc' = 'to';

  /** Visible To/Cc addresses of the request (each recipient gets its own copy with the same headers). */
  @Property({ type: 'json' })
  addressing: { to: { email: string; name?: string | null }[]; cc: { email: string; name?: string | null }[] } = { to: [], cc: [] };

  @Field(() => String, { nullable: true, description: 'The subject (rendered).' })
  @Property({ type: 'text', nullable: true })
  subject: string | null = null;

  @Property({ type: 'text', nullable: true, lazy: true })
  html: string | null = null;

  @Property({ type: 'text', nullable: true, lazy: true })
  text: string | null = null;

  /** The full MIME message once built and signed. */
  @Property({ type: 'text', nullable: true, lazy: true })
  raw: string | null = null;

  /** Template variables, kept until a scheduled message renders. */
  @Property({ type: 'json', nullable: true, lazy: true })
  variables: Record<string, unknown> | null = null;

  /** Extra headers from the allow-list. */
  @Property({ type: 'json' })
  headers: Record<string, string> = {};

  @Field(() => [String], { description: 'Tags for filtering activity and analytics.' })
  @Property({ type: ArrayType, columnType: 'text[]' })
  tags: string[] = [];

  @Field(() => MessageStatus, { description: 'Current status.' })
  @Enum({ items: () => MessageStatus, type: 'text' })
  status: MessageStatus = MessageStatus.QUEUED;

  @Field(() => Date, { nullable: true, description: 'When a scheduled message is due.' })
  @Property({ type: 'timestamptz', nullable: true })
  sendAt: Date | null = null;

  /** Random token in the VERP Return-Path (`bounce+<token>@<return-path host>`), to match bounces. */
  @Property({ type: 'text' })
  verpToken!: string;

  @Field(() => String, { nullable: true, description: 'The Message-ID header.' })
  @Property({ type: 'text', nullable: true })
  messageIdHeader: string | null = null;

  @Property({ type: 'integer' })
  attempts = 0;

  @Field(() => String, { nullable: true, description: 'The last SMTP reply or failure reason.' })
  @Property({ type: 'text', nullable: true })
  lastResponse: string | null = null;

  @Field(() => Date, { nullable: true, description: 'When delivery finished (delivered, sent to relay, bounced).' })
  @Property({ type: 'timestamptz', nullable: true })
  completedAt: Date | null = null;

  get gid(): string {
    return toGlobalId('Message', this.id);
  }

  /**
   * Applies an event to the status by the one table of a message's life (STATUS_TRANSITIONS): DEFERRED
   * keeps the message open, every other move ends it (`completedAt`). A report without a reply keeps the
   * last one. Returns whether the status moved. Mutates this entity only (the caller flushes).
   */
  applyEvent(type: ActivityEventType, at: Date, response: string | null): boolean {
    const next = statusAfter(this.status, type);
    if (!next) return false;
    const reply = response ? response.slice(0, 2000).replace(/\0/g, '\uFFFD') : this.lastResponse;
    this.status = next;
    this.lastResponse = next === MessageStatus.DEFERRED ? (reply ?? 'Deferred (no reply reported)') : reply;
    if (next !== MessageStatus.DEFERRED) this.completedAt = at;
    return true;
  }
}

import { ArrayType, Entity, Filter, Index, ManyToOne, Property, type Ref } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import type { Scope } from '../../auth/scope';
import { BaseEntity } from '../../db/base.entity';
import { inIds, scopeFilter } from '../../db/scope-filter';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { Account } from '../accounts/account.entity';
import { Domain } from '../domains/domain.entity';
import { Tenant } from '../tenants/tenant.entity';
import { WebhookEventType } from './webhook-event-type';

/**
 * Who sees a webhook or its deliveries: account-wide principals all of them; a tenant-wide principal
 * its tenant's webhooks; a domain principal (or a tenant's, for its domains) the webhooks of its
 * domains. Identity-scoped principals see none (a webhook is never limited to one identity).
 */
export function webhookScopeCond(s: Scope): Record<string, unknown> | null {
  return s.allDomains ? null : { $or: [{ tenant: inIds(s.tenantIds) }, { domain: inIds(s.domainIds) }] };
}

/** An HTTPS endpoint that receives signed events of one domain, one tenant, or the whole account. */
@Entity({ tableName: 'webhooks' })
@Index({ properties: ['account', 'id'] })
@Index({ properties: ['tenant'] })
@Index({ properties: ['domain'] })
@Filter(scopeFilter(webhookScopeCond))
@ObjectType({ implements: Node, description: 'An endpoint that receives signed events (Standard Webhooks) of one domain, one tenant, or the whole account.' })
export class Webhook extends BaseEntity implements Node {
  get nodeType(): string {
    return 'Webhook';
  }

  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  /** Set for a tenant webhook: every domain and sender identity of the tenant. */
  @ManyToOne(() => Tenant, { ref: true, nullable: true, deleteRule: 'cascade' })
  tenant: Ref<Tenant> | null = null;

  /** Set for a domain webhook: that domain only. */
  @ManyToOne(() => Domain, { ref: true, nullable: true, deleteRule: 'cascade' })
  domain: Ref<Domain> | null = null;

  @Field(() => String, { description: 'Name to recognise the webhook by.' })
  @Property({ type: 'text' })
  name!: string;

  @Field(() => String, { description: 'Where events are POSTed.' })
  @Property({ type: 'text' })
  url!: string;

  @Field(() => [WebhookEventType], { description: 'The events it receives.' })
  @Property({ type: ArrayType, columnType: 'text[]' })
  events: WebhookEventType[] = [];

  @Field(() => Boolean, { description: 'Whether events are delivered.' })
  @Property({ type: 'boolean' })
  enabled: boolean = true;

  @Field(() => String, { nullable: true, description: 'Why the webhook was disabled by the platform (failed test ping, 410 Gone, failing for too long); null otherwise.' })
  @Property({ type: 'text', nullable: true })
  disabledReason: string | null = null;

  /** The signing secret (`whsec_…`), encrypted at rest. */
  @Property({ type: 'text', hidden: true, lazy: true })
  secretEncrypted!: string;

  /** The secret before the last rotation, encrypted; it keeps signing beside the new one until `previousSecretExpiresAt`. */
  @Property({ type: 'text', hidden: true, lazy: true, nullable: true })
  previousSecretEncrypted: string | null = null;

  @Field(() => Date, { nullable: true, description: 'Until when the secret before the last rotation still signs (beside the new one).' })
  @Property({ type: 'timestamptz', nullable: true })
  previousSecretExpiresAt: Date | null = null;

  @Field(() => Int, { description: 'Attempts that failed in a row (counted up to WEBHOOK_DISABLE_AFTER_FAILURES); 0 after a success.' })
  @Property({ type: 'integer' })
  consecutiveFailures: number = 0;

  @Field(() => Date, { nullable: true, description: 'Since when every delivery failed; null when the last one succeeded.' })
  @Property({ type: 'timestamptz', nullable: true })
  failingSince: Date | null = null;

  @Field(() => Date, { nullable: true, description: 'When a delivery last succeeded.' })
  @Property({ type: 'timestamptz', nullable: true })
  lastSuccessAt: Date | null = null;

  get gid(): string {
    return toGlobalId('Webhook', this.id);
  }

  /** Disables the webhook with the platform's reason. */
  disable(reason: string): void {
    this.enabled = false;
    this.disabledReason = reason.slice(0, 500);
  }

  /** Enables the webhook (clearing the platform's reason and the failure streak). */
  enable(): void {
    this.enabled = true;
    this.disabledReason = null;
    this.consecutiveFailures = 0;
    this.failingSince = null;
  }
}

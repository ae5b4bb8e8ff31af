import { Entity, Filter, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { ownedRows, scopeFilter } from '../../db/scope-filter';
import { uuidv7 } from '../../lib/ids';
import { Account } from '../accounts/account.entity';

/** One field's value before and after a change (either absent when the object was created or deleted). */
export type AuditChanges = Record<string, { before?: unknown; after?: unknown }>;

/**
 * One change made by a member or an API token: written in the changing transaction (the ORM flush
 * subscriber, or `audit()`), never changed afterwards. Owned by the changed object's tenant, domain or
 * sender identity (none: the account's own, seen account-wide only). Secrets are never in `changes`.
 */
@Entity({ tableName: 'audit_entries' })
@Index({ properties: ['account', 'id'] })
@Filter(scopeFilter((s) => ownedRows(s, { tenantId: 'tenant', domainId: 'domain', senderIdentityId: 'identity' }, true)))
export class AuditEntry {
  [OptionalProps]?: 'id' | 'at' | 'tenantId' | 'domainId' | 'senderIdentityId' | 'changes' | 'requestId' | 'ip';

  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @Property({ type: 'timestamptz' })
  at: Date = new Date();

  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  /** MEMBER or API_TOKEN. */
  @Property({ type: 'text' })
  actorKind!: string;

  /** The membership or token id. */
  @Property({ type: 'uuid' })
  actorId!: string;

  /** The member's or token's name when it acted. */
  @Property({ type: 'text' })
  actorName!: string;

  @Property({ type: 'text' })
  action!: string;

  /** The GraphQL type of the changed object (Tenant, Domain, ApiToken, Member…). */
  @Property({ type: 'text' })
  targetType!: string;

  @Property({ type: 'uuid' })
  targetId!: string;

  @Property({ type: 'uuid', nullable: true })
  tenantId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  domainId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  senderIdentityId: string | null = null;

  @Property({ type: 'json' })
  changes: AuditChanges = {};

  @Property({ type: 'text', nullable: true })
  requestId: string | null = null;

  @Property({ type: 'text', nullable: true })
  ip: string | null = null;
}

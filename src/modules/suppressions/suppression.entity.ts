import { Entity, Enum, Filter, Index, ManyToOne, Property, type Ref, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../db/base.entity';
import { ownedRows, scopeFilter } from '../../db/scope-filter';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { Account } from '../accounts/account.entity';
import { Domain } from '../domains/domain.entity';
import { SenderIdentity } from '../identities/sender-identity.entity';
import { Tenant } from '../tenants/tenant.entity';
import { SuppressionList, SuppressionSource } from './suppression.enums';

/**
 * One suppressed recipient (or blocklist pattern) of one sending domain — or of the whole account
 * (BLOCKLIST with no domain). Scoped like messages: by domain, tenant and sender identity, so a
 * sender-identity client's entries are those of the messages it sent. Unique per
 * (account, domain, recipient or pattern, list, sender identity), nulls included.
 */
@Entity({ tableName: 'suppressions' })
@Unique({
  name: 'suppressions_entry_unique',
  expression: `create unique index "suppressions_entry_unique" on "suppressions" ("account_id", "domain_id", "recipient", "pattern", "list", "sender_identity_id") nulls not distinct`,
})
@Index({ name: 'suppressions_account_id_id_index', properties: ['account', 'id'] })
@Index({ name: 'suppressions_account_id_domain_id_id_index', properties: ['account', 'domain', 'id'] })
@Index({
  name: 'suppressions_patterns_index',
  expression: `create index "suppressions_patterns_index" on "suppressions" ("account_id", "domain_id") where "like_pattern" is not null`,
})
@Filter(
  // Account-level entries (no domain, tenant or identity) are the account's own: account-wide principals only.
  scopeFilter((s) => ownedRows(s, { domain: 'domain', tenant: 'tenant', senderIdentity: 'identity' }, true)),
)
@ObjectType({ implements: Node, description: 'A recipient (or blocklist pattern) that is never sent to from its domain, or from the whole account.' })
export class Suppression extends BaseEntity implements Node {
  get nodeType(): string {
    return 'Suppression';
  }

  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  /** The sending domain; null only for the account-wide BLOCKLIST. */
  @ManyToOne(() => Domain, { ref: true, nullable: true, deleteRule: 'cascade' })
  domain: Ref<Domain> | null = null;

  /** Copied from the domain (or the origin message), for the row scope. */
  @ManyToOne(() => Tenant, { ref: true, nullable: true, deleteRule: 'cascade' })
  tenant: Ref<Tenant> | null = null;

  /** The sender identity of the origin message: the entry is that identity client's own. */
  @ManyToOne(() => SenderIdentity, { ref: true, nullable: true, deleteRule: 'cascade' })
  senderIdentity: Ref<SenderIdentity> | null = null;

  @Field(() => SuppressionList, { description: 'Which list.' })
  @Enum({ items: () => SuppressionList, type: 'text' })
  list!: SuppressionList;

  @Field(() => String, { nullable: true, description: 'The suppressed address (normalised); null for a pattern.' })
  @Property({ type: 'text', nullable: true })
  recipient: string | null = null;

  @Field(() => String, { nullable: true, description: 'A BLOCKLIST pattern (`@example.com`, `*@example.com`, `info@*`); null for an address.' })
  @Property({ type: 'text', nullable: true })
  pattern: string | null = null;

  /** The pattern as SQL LIKE, with `%`, `_` and `\` of the input escaped. */
  @Property({ type: 'text', nullable: true, hidden: true })
  likePattern: string | null = null;

  @Field(() => String, { nullable: true, description: 'Why: the event, the diagnostic, or the reason given.' })
  @Property({ type: 'text', nullable: true })
  reason: string | null = null;

  @Field(() => SuppressionSource, { description: 'How the entry came to be.' })
  @Enum({ items: () => SuppressionSource, type: 'text' })
  source!: SuppressionSource;

  /** The event that added it (EVENT entries). */
  @Property({ type: 'bigint', nullable: true })
  originEventId: string | null = null;

  /** The message of that event. */
  @Property({ type: 'uuid', nullable: true })
  originMessageId: string | null = null;

  /** The SMTP diagnostic or report detail of that event. */
  @Property({ type: 'text', nullable: true })
  originDiagnostic: string | null = null;

  @Field(() => Date, { nullable: true, description: 'When an ON_HOLD entry is released; null for the other lists.' })
  @Property({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null = null;

  get gid(): string {
    return toGlobalId('Suppression', this.id);
  }
}

import { ManyToOne, type Ref } from '@mikro-orm/core';
import { ObjectType } from 'type-graphql';
import { BaseEntity } from '../../db/base.entity';
import { ownedRows, scopeFilter } from '../../db/scope-filter';
import { Account } from '../accounts/account.entity';
import { Domain } from '../domains/domain.entity';
import { SenderIdentity } from '../identities/sender-identity.entity';
import { Tenant } from '../tenants/tenant.entity';

/**
 * The owner columns of a message, and of the rows that copy them from it (its attachments): account,
 * sending domain, tenant and sender identity — so each such row is scoped on its own, exactly as its
 * message is (`messageScopeFilter`).
 */
@ObjectType('MessageOwned', { description: 'Common fields of a message and of the rows that copy its owners.' })
export abstract class MessageOwned extends BaseEntity {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @ManyToOne(() => Tenant, { ref: true, nullable: true, deleteRule: 'cascade' })
  tenant: Ref<Tenant> | null = null;

  /** The domain that signs and sends: the tenant's own, or the agency domain of the identity. */
  @ManyToOne(() => Domain, { ref: true, deleteRule: 'cascade' })
  domain!: Ref<Domain>;

  @ManyToOne(() => SenderIdentity, { ref: true, nullable: true, deleteRule: 'cascade' })
  senderIdentity: Ref<SenderIdentity> | null = null;
}

/**
 * The row scope of a message's rows: by the sending domain, the tenant and the sender identity — an
 * identity-scoped principal sees only rows whose identity is its own (by id, never by tag).
 */
export const messageScopeFilter = scopeFilter((s) => ownedRows(s, { domain: 'domain', tenant: 'tenant', senderIdentity: 'identity' }, false));

import { Entity, Filter, ManyToOne, Property, type Ref, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../db/base.entity';
import { inIds, scopeFilter } from '../../db/scope-filter';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { Account } from '../accounts/account.entity';

/** A client of the agency. */
@Entity({ tableName: 'tenants' })
@Unique({ properties: ['account', 'tag'] })
@Filter(scopeFilter((s) => (s.allDomains ? null : { id: inIds(s.readableTenantIds) })))
@ObjectType({ implements: Node, description: "One of the agency's clients." })
export class Tenant extends BaseEntity implements Node {
  get nodeType(): string {
    return 'Tenant';
  }

  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @Field(() => String, { description: 'Display name.' })
  @Property({ type: 'text' })
  name!: string;

  @Field(() => String, { description: 'Short unique tag, used to tag the tenant’s mail and activity.' })
  @Property({ type: 'text' })
  tag!: string;

  get gid(): string {
    return toGlobalId('Tenant', this.id);
  }

  /** Renames the tenant. */
  rename(name: string): void {
    this.name = name;
  }
}

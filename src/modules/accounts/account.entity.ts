import { Entity, Filter, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../db/base.entity';
import { scopeFilter } from '../../db/scope-filter';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';

/** An agency account: owns tenants, domains, members and tokens. */
@Entity({ tableName: 'accounts' })
@Filter(scopeFilter(() => null, 'id'))
@ObjectType({ implements: Node, description: 'An agency account.' })
export class Account extends BaseEntity implements Node {
  get nodeType(): string {
    return 'Account';
  }

  @Field(() => String, { description: 'Display name of the account.' })
  @Property({ type: 'text' })
  name!: string;

  get gid(): string {
    return toGlobalId('Account', this.id);
  }
}

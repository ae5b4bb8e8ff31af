import { Entity, Filter, Index, ManyToOne, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../db/base.entity';
import { accountRows, scopeFilter } from '../../db/scope-filter';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { Account } from '../accounts/account.entity';

/**
 * One recipient erased from one tenant (GDPR art. 17): who did it, when, the address as a keyed hash
 * (never the address itself) and how many rows changed. Written once by eraseRecipient; an account's
 * own row, so only account-wide principals see it.
 */
@Entity({ tableName: 'erasure_requests' })
@Index({ properties: ['account', 'id'] })
@Filter(scopeFilter((s) => accountRows(s)))
@ObjectType({ implements: Node, description: 'A record of one recipient’s personal data erased from one client’s data (who, when, how many rows).' })
export class ErasureRequest extends BaseEntity implements Node {
  get nodeType(): string {
    return 'ErasureRequest';
  }

  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  /** The tenant erased from (no foreign key: the record outlives the tenant). */
  @Property({ type: 'uuid', fieldName: 'tenant_id' })
  tenantUuid!: string;

  /** `token:<id>` or `member:<id>` of who erased. */
  @Property({ type: 'text' })
  principalKey!: string;

  @Field(() => String, { description: 'Who erased: the API token’s name or the member.' })
  @Property({ type: 'text' })
  principalLabel!: string;

  @Field(() => String, {
    description: 'The erased address as a keyed hash (the same address gives the same hash in this account); the marker `erased-<first 24 characters>@erased.invalid` replaced it.',
  })
  @Property({ type: 'text' })
  emailHash!: string;

  @Field(() => Int, { description: 'Messages changed: sent to the address (recipient replaced, content cleared) or naming it among their To/Cc.' })
  @Property({ type: 'integer' })
  messages!: number;

  @Field(() => Int, { description: 'Events whose recipient and details (address, IP, user agent) were erased.' })
  @Property({ type: 'integer' })
  events!: number;

  @Field(() => Int, { description: 'Suppression entries of the address whose notes (reason, bounce diagnostic) were cleared; the entries stay, so the address is still not mailed.' })
  @Property({ type: 'integer' })
  suppressions!: number;

  @Field(() => Int, { description: 'Soft-bounce tallies of the address deleted.' })
  @Property({ type: 'integer' })
  softBounces!: number;

  @Field(() => Int, { description: 'Webhook deliveries of the erased events whose logged request and answer had the address replaced.' })
  @Property({ type: 'integer' })
  webhookDeliveries!: number;

  get gid(): string {
    return toGlobalId('ErasureRequest', this.id);
  }

  @Field(() => ID, { description: 'Global id of the client erased from.' })
  get tenantId(): string {
    return toGlobalId('Tenant', this.tenantUuid);
  }
}

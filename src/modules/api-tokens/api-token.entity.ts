import { Index, ArrayType, Entity, Filter, ManyToOne, Property, type Ref } from '@mikro-orm/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Permission } from '../../auth/permissions';
import { BaseEntity } from '../../db/base.entity';
import { inIds, ownedRows, scopeFilter } from '../../db/scope-filter';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { Account } from '../accounts/account.entity';
import { Domain } from '../domains/domain.entity';
import { SenderIdentity } from '../identities/sender-identity.entity';
import { Tenant } from '../tenants/tenant.entity';

/** Whether a token can be used now. */
export enum ApiTokenStatus {
  ACTIVE = 'ACTIVE',
  PAUSED = 'PAUSED',
  REVOKED = 'REVOKED',
  EXPIRED = 'EXPIRED',
}
registerEnumType(ApiTokenStatus, {
  name: 'ApiTokenStatus',
  description: 'ACTIVE tokens authenticate; PAUSED, REVOKED and EXPIRED ones are rejected.',
  valuesConfig: {
    ACTIVE: { description: 'Authenticates requests.' },
    PAUSED: { description: 'Rejected until resumed.' },
    REVOKED: { description: 'Rejected for good.' },
    EXPIRED: { description: 'Past its expiry time: rejected.' },
  },
});

/** An API token. Only the SHA-256 of its secret is stored. */
@Entity({ tableName: 'api_tokens' })
@Index({ properties: ['account'] })
@Index({ properties: ['tenant'] })
@Index({ properties: ['domain'] })
@Index({ properties: ['senderIdentity'] })
// A domain-scoped principal also sees the tokens of the sender identities on its domains (it may create them).
@Filter(
  // Account-wide tokens are the account's own: account-wide principals only.
  scopeFilter((s) => ownedRows(s, { tenant: 'tenant', domain: 'domain', senderIdentity: 'identity' }, true, [{ senderIdentity: { domain: inIds(s.domainIds) } }])),
)
@ObjectType({ implements: Node, description: 'An API token: a permission list and a scope (account, tenant, domain or sender identity).' })
export class ApiToken extends BaseEntity implements Node {
  get nodeType(): string {
    return 'ApiToken';
  }

  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @Field(() => String, { description: 'Name to recognise the token by.' })
  @Property({ type: 'text' })
  name!: string;

  @Field(() => [Permission], { description: 'What the token may do.' })
  @Property({ type: ArrayType, columnType: 'text[]' })
  permissions: Permission[] = [];

  @ManyToOne(() => Tenant, { ref: true, nullable: true, deleteRule: 'cascade' })
  tenant: Ref<Tenant> | null = null;

  @ManyToOne(() => Domain, { ref: true, nullable: true, deleteRule: 'cascade' })
  domain: Ref<Domain> | null = null;

  @ManyToOne(() => SenderIdentity, { ref: true, nullable: true, deleteRule: 'cascade' })
  senderIdentity: Ref<SenderIdentity> | null = null;

  @Property({ type: 'text', hidden: true, lazy: true, unique: true })
  secretHash!: string;

  @Field(() => String, { description: 'The first and last characters of the secret, to recognise it.' })
  @Property({ type: 'text' })
  preview!: string;

  @Field(() => Date, { nullable: true, description: 'When the token stops working.' })
  @Property({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null = null;

  @Field(() => Date, { nullable: true, description: 'When the token was paused; null when not paused.' })
  @Property({ type: 'timestamptz', nullable: true })
  pausedAt: Date | null = null;

  @Field(() => Date, { nullable: true, description: 'When the token was revoked; revocation is final.' })
  @Property({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;

  @Field(() => Date, { nullable: true, description: 'When the token last authenticated a request.' })
  @Property({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null = null;

  get gid(): string {
    return toGlobalId('ApiToken', this.id);
  }

  /** The token's status at `now`. */
  statusAt(now: Date): ApiTokenStatus {
    if (this.revokedAt) return ApiTokenStatus.REVOKED;
    if (this.expiresAt && this.expiresAt.getTime() <= now.getTime()) return ApiTokenStatus.EXPIRED;
    if (this.pausedAt) return ApiTokenStatus.PAUSED;
    return ApiTokenStatus.ACTIVE;
  }

  /** Revokes the token for good. */
  revoke(now: Date): void {
    this.revokedAt ??= now;
  }

  /** Pauses or unpauses the token. */
  setPaused(paused: boolean, now: Date): void {
    this.pausedAt = paused ? (this.pausedAt ?? now) : null;
  }
}

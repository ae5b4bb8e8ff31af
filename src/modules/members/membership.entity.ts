import { Index, ArrayType, Entity, Enum, Filter, ManyToOne, Property, type Ref, Unique } from '@mikro-orm/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Permission, Role } from '../../auth/permissions';
import { BaseEntity } from '../../db/base.entity';
import { accountRows, scopeFilter } from '../../db/scope-filter';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { Account } from '../accounts/account.entity';
import type { MemberAccess } from './member-access';
import { User } from './user.entity';

/** Whether the member accepted the invitation. */
export enum MemberStatus {
  INVITED = 'INVITED',
  ACTIVE = 'ACTIVE',
}
registerEnumType(MemberStatus, {
  name: 'MemberStatus',
  description: 'INVITED until the invitation is accepted.',
  valuesConfig: { INVITED: { description: 'Invited; the invitation has not been accepted yet.' }, ACTIVE: { description: 'Accepted: the member can log in.' } },
});

/** A user's membership in one account, with a role and domain access. */
@Entity({ tableName: 'memberships' })
@Index({ properties: ['user'] })
@Unique({ properties: ['account', 'user'] })
// Only account-wide principals list members; a scoped member sees its own membership.
@Filter(scopeFilter((s) => accountRows(s, { id: s.membershipId ?? '00000000-0000-0000-0000-000000000000' })))
@ObjectType('Member', { implements: Node, description: 'A user’s membership in the account.' })
export class Membership extends BaseEntity implements Node {
  get nodeType(): string {
    return 'Member';
  }

  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @ManyToOne(() => User, { ref: true, deleteRule: 'cascade' })
  user!: Ref<User>;

  @Field(() => Role, { description: 'The role.' })
  @Enum({ items: () => Role, type: 'text' })
  role!: Role;

  @Field(() => [Permission], { description: 'For CUSTOM: the explicit permissions. Empty for other roles.' })
  @Property({ type: ArrayType, columnType: 'text[]' })
  customPermissions: Permission[] = [];

  @Field(() => Boolean, { description: 'Whether the member can access every domain.' })
  @Property({ type: 'boolean' })
  allDomains = true;

  @Property({ type: ArrayType, columnType: 'uuid[]' })
  domainIds: string[] = [];

  /** CUSTOM only: when set, the only templates the member sees. */
  @Property({ type: ArrayType, columnType: 'uuid[]', nullable: true })
  templateIds: string[] | null = null;

  @Field(() => MemberStatus, { description: 'Invitation status.' })
  @Enum({ items: () => MemberStatus, type: 'text' })
  status: MemberStatus = MemberStatus.INVITED;

  @Property({ type: 'text', nullable: true, hidden: true, lazy: true })
  invitationTokenHash: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  invitationExpiresAt: Date | null = null;

  @Field(() => Date, { nullable: true, description: 'When the invitation was accepted.' })
  @Property({ type: 'timestamptz', nullable: true })
  acceptedAt: Date | null = null;

  get gid(): string {
    return toGlobalId('Member', this.id);
  }

  /** True for an ADMIN who accepted the invitation (counts towards keeping the account manageable). */
  isActiveAdmin(): boolean {
    return this.role === Role.ADMIN && this.status === MemberStatus.ACTIVE;
  }

  /** Replaces the role and access (already checked by `resolveAccess`). */
  changeAccess(access: MemberAccess): void {
    this.role = access.role;
    this.allDomains = access.allDomains;
    this.domainIds = [...access.domainIds];
    this.customPermissions = [...access.customPermissions];
    this.templateIds = access.templateIds ? [...access.templateIds] : null;
  }

  /** Accepts the invitation and spends its token. */
  accept(now: Date): void {
    this.status = MemberStatus.ACTIVE;
    this.acceptedAt = now;
    this.invitationTokenHash = null;
    this.invitationExpiresAt = null;
  }
}

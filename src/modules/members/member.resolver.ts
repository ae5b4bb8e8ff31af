import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Permission, rolePermissionsFor } from '../../auth/permissions';
import type { Context } from '../../context';
import { PageArgs, type Page } from '../../graphql/pagination';
import { Domain } from '../domains/domain.entity';
import { memberDomains, memberEmail, memberName, memberTemplateIds } from './member-fields';
import { InviteMemberInput, RemoveMemberInput, UpdateMemberInput } from './member.inputs';
import { inviteMember, listMembers, removeMember, updateMember } from './member.service';
import { InviteMemberPayload, MemberConnection, RemoveMemberPayload, UpdateMemberPayload } from './member.types';
import { Membership } from './membership.entity';

@Resolver(() => Membership)
export class MemberResolver {
  @Query(() => MemberConnection, { description: 'The account’s members. Needs MEMBERS_MANAGE; a member limited to domains sees only itself.' })
  members(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context): Promise<Page<Membership>> {
    return listMembers(ctx, args);
  }

  @Mutation(() => InviteMemberPayload, {
    description: 'Invites someone by e-mail with a role and access; the link in the e-mail works for 7 days. Needs MEMBERS_MANAGE and an account-wide principal.',
  })
  async inviteMember(@Arg('input', () => InviteMemberInput, { description: 'Who to invite.' }) input: InviteMemberInput, @Ctx() ctx: Context): Promise<InviteMemberPayload> {
    return { member: await inviteMember(ctx, input) };
  }

  @Mutation(() => UpdateMemberPayload, { description: 'Changes a member’s role or access. Needs MEMBERS_MANAGE and an account-wide principal.' })
  async updateMember(@Arg('input', () => UpdateMemberInput, { description: 'The changes.' }) input: UpdateMemberInput, @Ctx() ctx: Context): Promise<UpdateMemberPayload> {
    return { member: await updateMember(ctx, input) };
  }

  @Mutation(() => RemoveMemberPayload, { description: 'Removes a member and ends its sessions at once. Needs MEMBERS_MANAGE and an account-wide principal.' })
  async removeMember(@Arg('input', () => RemoveMemberInput, { description: 'The member to remove.' }) input: RemoveMemberInput, @Ctx() ctx: Context): Promise<RemoveMemberPayload> {
    return { removedMemberId: await removeMember(ctx, input) };
  }

  @FieldResolver(() => String, { description: 'E-mail address. Needs MEMBERS_MANAGE, except on your own membership.' })
  email(@Root() m: Membership, @Ctx() ctx: Context): Promise<string> {
    return memberEmail(ctx, m);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Display name; null until the invitation is accepted.' })
  name(@Root() m: Membership, @Ctx() ctx: Context): Promise<string | null> {
    return memberName(ctx, m);
  }

  @FieldResolver(() => [Permission], { description: 'The effective permissions: the role’s, or the explicit list for CUSTOM.' })
  permissions(@Root() m: Membership): Permission[] {
    return rolePermissionsFor(m.role, m.customPermissions);
  }

  @FieldResolver(() => [Domain], { description: 'The domains the member is limited to (empty when allDomains); only those in your scope are listed.' })
  domains(@Root() m: Membership, @Ctx() ctx: Context): Promise<Domain[]> {
    return memberDomains(ctx, m);
  }

  @FieldResolver(() => [ID], { nullable: true, description: 'CUSTOM only: global ids of the only templates the member sees; null when not limited.' })
  templateIds(@Root() m: Membership): string[] | null {
    return memberTemplateIds(m);
  }
}

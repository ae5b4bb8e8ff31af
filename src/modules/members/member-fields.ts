import type { EntityManager } from '@mikro-orm/postgresql';
import { Permission } from '../../auth/permissions';
import { type Context, requirePermission } from '../../context';
import { toGlobalId } from '../../graphql/global-id';
import { byIdLoader } from '../../graphql/loaders';
import { Domain } from '../domains/domain.entity';
import { memberNotFound } from './member.errors';
import { MemberStatus, type Membership } from './membership.entity';
import { User } from './user.entity';

// login, acceptInvitation and switchAccount return a membership other than the caller's (the caller
// is the public, or a session of another account). That object is resolved as the new session sees
// it. Keyed by the entity instance, which lives only as long as the request that loaded it.
const sessionViews = new WeakMap<Membership, EntityManager>();

/** Marks a membership returned with a newly issued session: its fields resolve as that session's own, through `em`. */
export function bindSessionView(m: Membership, em: EntityManager): void {
  sessionViews.set(m, em);
}

/** Whether the caller looks at its own membership, and the entity manager to load related rows with. */
function memberView(ctx: Context, m: Membership): { self: boolean; em: EntityManager | null } {
  const em = sessionViews.get(m);
  if (em) return { self: true, em };
  const p = ctx.principal;
  return { self: p.kind === 'MEMBER' && p.membershipId === m.id, em: null };
}

async function loadUser(ctx: Context, m: Membership): Promise<User> {
  const user = await byIdLoader(ctx, User).load(m.user.id);
  if (!user) throw memberNotFound();
  return user;
}

/** The member's e-mail address; FORBIDDEN without MEMBERS_MANAGE unless it is the caller's own membership. */
export async function memberEmail(ctx: Context, m: Membership): Promise<string> {
  if (!memberView(ctx, m).self) requirePermission(ctx, Permission.MEMBERS_MANAGE);
  return (await loadUser(ctx, m)).email;
}

/**
 * The member's display name; null while INVITED, because the user row is shared between accounts
 * and an invitation must not reveal what the person set up elsewhere.
 */
export async function memberName(ctx: Context, m: Membership): Promise<string | null> {
  if (m.status !== MemberStatus.ACTIVE) return null;
  return (await loadUser(ctx, m)).name;
}

/** The domains a member is limited to, as far as the viewer's scope shows them (empty for allDomains). */
export async function memberDomains(ctx: Context, m: Membership): Promise<Domain[]> {
  if (m.allDomains || m.domainIds.length === 0) return [];
  const { em } = memberView(ctx, m);
  if (em) return em.find(Domain, { id: { $in: [...m.domainIds] } }, { orderBy: { id: 'asc' } });
  const rows = await byIdLoader(ctx, Domain).loadMany(m.domainIds);
  return rows.filter((d): d is Domain => d instanceof Domain);
}

/** Global ids of a CUSTOM member's template allow-list; null when not limited. */
export function memberTemplateIds(m: Membership): string[] | null {
  return m.templateIds ? m.templateIds.map((id) => toGlobalId('Template', id)) : null;
}

import type { EntityClass } from '@mikro-orm/core';
import { Permission } from '../../auth/permissions';
import { type Context, requireScope } from '../../context';
import { badInput } from '../../graphql/errors';
import { parseGlobalId } from '../../graphql/global-id';
import type { Node } from '../../graphql/node';
import { Account } from '../accounts/account.entity';
import { ApiToken } from '../api-tokens/api-token.entity';
import { Domain } from '../domains/domain.entity';
import { SenderIdentity } from '../identities/sender-identity.entity';
import { SystemEmail } from '../mail/system-email.entity';
import { Membership } from '../members/membership.entity';
import { Message } from '../sending/message.entity';
import { Template } from '../templates/template.entity';
import { Tenant } from '../tenants/tenant.entity';

/** Node types, with the permission that reading one needs (null: any authenticated principal). */
const NODE_TYPES: Record<string, { entity: EntityClass<Node & { id: string }>; permission: Permission | null }> = {
  Account: { entity: Account, permission: null },
  Tenant: { entity: Tenant, permission: null },
  Domain: { entity: Domain, permission: Permission.DOMAINS_READ },
  SenderIdentity: { entity: SenderIdentity, permission: Permission.IDENTITIES_READ },
  Template: { entity: Template, permission: Permission.TEMPLATES_READ },
  ApiToken: { entity: ApiToken, permission: Permission.TOKENS_MANAGE },
  Member: { entity: Membership, permission: Permission.MEMBERS_MANAGE },
  SystemEmail: { entity: SystemEmail, permission: Permission.MEMBERS_MANAGE },
  Message: { entity: Message, permission: Permission.ACTIVITY_READ },
};

/** Loads any node in scope; null when missing, outside the scope, or not permitted (indistinguishable). */
export async function resolveNode(ctx: Context, gid: string): Promise<Node | null> {
  const scope = requireScope(ctx);
  const parsed = parseGlobalId(gid);
  if (!parsed) throw badInput('id', 'id is not a valid global id');
  // Own properties only: a type named `constructor` or `toString` is no node type.
  const type = Object.hasOwn(NODE_TYPES, parsed.type) ? NODE_TYPES[parsed.type] : undefined;
  if (!type) throw badInput('id', 'id is not a valid global id');
  if (type.permission && !scope.permissions.includes(type.permission)) return null;
  return ctx.em.findOne(type.entity, { id: parsed.id } as never);
}

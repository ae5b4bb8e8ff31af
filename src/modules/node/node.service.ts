import { type Context, requireScope } from '../../context';
import { badInput } from '../../graphql/errors';
import { parseGlobalId } from '../../graphql/global-id';
import type { Node } from '../../graphql/node';
import { isUuid } from '../../lib/ids';

/**
 * Loads any node in scope; null when missing, outside the scope, or not permitted (indistinguishable).
 * Entity types are keyed by uuid; a type with its own `load` (events: sealed ids) decodes its key itself.
 */
export async function resolveNode(ctx: Context, gid: string): Promise<Node | null> {
  const scope = requireScope(ctx);
  const parsed = parseGlobalId(gid);
  if (!parsed) throw badInput('id', 'id is not a valid global id');
  const type = ctx.deps.nodeTypes.get(parsed.type);
  if (!type || (!type.load && !isUuid(parsed.id))) throw badInput('id', 'id is not a valid global id');
  if (type.permission && !scope.permissions.includes(type.permission)) return null;
  if (type.load) return type.load(ctx, gid);
  return ctx.em.findOne(type.entity, { id: parsed.id } as never);
}

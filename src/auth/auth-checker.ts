import type { AuthChecker } from 'type-graphql';
import { forbidden, unauthenticated } from '../graphql/errors';
import type { Permission } from './permissions';
import type { Principal } from './principal';

/** type-graphql auth checker: `@Authorized(Permission.X, …)` needs a principal holding every listed permission. */
export const authChecker: AuthChecker<{ principal: Principal }, Permission> = ({ context }, required) => {
  const p = context.principal;
  if (p.kind === 'PUBLIC') throw unauthenticated();
  const missing = required.filter((r) => !p.scope.permissions.includes(r));
  if (missing.length > 0) throw forbidden(`Missing permission: ${missing.join(', ')}`);
  return true;
};

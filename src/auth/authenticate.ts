import { unauthenticated } from '../graphql/errors';
import type { Principal } from './principal';
import { TOKEN_PREFIX, isWellFormedSecret } from './token-format';

/** Looks secrets up; implemented by the tokens and members modules. */
export interface PrincipalResolver {
  /** The principal of an API token secret; throws UNAUTHENTICATED when unknown, revoked, paused or expired. */
  byApiToken(secret: string): Promise<Principal>;
  /** The principal of a session token; throws UNAUTHENTICATED when unknown, revoked or expired. */
  bySession(secret: string): Promise<Principal>;
}

/** Extracts the secret of an `Authorization: Bearer …` value; null when absent. Throws on a malformed header. */
export function bearerSecret(header: string | undefined | null): string | null {
  if (header === undefined || header === null || header === '') return null;
  const m = /^Bearer\s+(\S{1,200})\s*$/i.exec(header);
  if (!m) throw unauthenticated('The Authorization header must be "Bearer <token>"');
  return m[1];
}

/** Resolves the principal of a request from its Authorization header value. */
export async function authenticate(header: string | undefined | null, resolver: PrincipalResolver): Promise<Principal> {
  const secret = bearerSecret(header);
  if (secret === null) return { kind: 'PUBLIC' };
  if (secret.startsWith(TOKEN_PREFIX.session)) {
    if (!isWellFormedSecret(secret, 'session')) throw unauthenticated('Invalid session token');
    return resolver.bySession(secret);
  }
  if (secret.startsWith(TOKEN_PREFIX.api) && !isWellFormedSecret(secret, 'api')) throw unauthenticated('Invalid API token');
  return resolver.byApiToken(secret);
}

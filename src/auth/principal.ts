import type { Scope } from './scope';
import type { Role } from './permissions';

/** Who is calling: a logged-in member, an API token, or nobody. Resolved once per request or connection. */
export type Principal =
  | { kind: 'MEMBER'; membershipId: string; userId: string; sessionId: string; role: Role; scope: Scope; label: string }
  | { kind: 'API_TOKEN'; tokenId: string; scope: Scope; label: string }
  | { kind: 'PUBLIC' };


import type { Scope } from './scope';
import type { Role } from './permissions';

/**
 * Who is calling: a logged-in member, an API token, or nobody. Resolved once per request or connection.
 * `expiresAt` is when the credential (session or token) stops being valid by itself; caches honour it.
 * An SMTP user acts as an API_TOKEN principal (permissions, rate limits) whose `tokenId` is its own id
 * and which carries `smtpUserId`: no ApiToken has that id, so the request log files it as an SMTP user.
 */
export type Principal =
  | { kind: 'MEMBER'; membershipId: string; userId: string; sessionId: string; role: Role; scope: Scope; label: string; expiresAt?: Date | null }
  | { kind: 'API_TOKEN'; tokenId: string; scope: Scope; label: string; expiresAt?: Date | null; smtpUserId?: string }
  | { kind: 'PUBLIC' };

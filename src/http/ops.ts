import type { IncomingMessage, ServerResponse } from 'node:http';
import { digestEquals, sha256 } from '../lib/crypto';
import { sendJson } from './routes';

/**
 * Guards an operators' endpoint: answers 404 (as for any unknown path) when no ops token is
 * configured, 401 without the right `Authorization: Bearer <MAILROOM_OPS_TOKEN>`; true when allowed.
 */
export function opsAllowed(req: IncomingMessage, res: ServerResponse, opsToken: string | null): boolean {
  if (!opsToken) {
    sendJson(res, 404, { errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
    return false;
  }
  const given = String(req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
  if (!digestEquals(sha256(given), sha256(opsToken))) {
    sendJson(res, 401, { errors: [{ message: 'Authentication required', extensions: { code: 'UNAUTHENTICATED' } }] }, { 'www-authenticate': 'Bearer' });
    return false;
  }
  return true;
}

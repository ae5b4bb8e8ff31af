import { sign, verifySignature } from '../../lib/crypto';

/** The signing purpose of one-click unsubscribe tokens. */
export const UNSUBSCRIBE_PURPOSE = 'unsubscribe';

/** The unsubscribe token of a message: `<messageId>.<HMAC signature>` (unforgeable, no lookup needed to check it). */
export function unsubscribeToken(secret: Buffer, messageId: string): string {
  return `${messageId}.${sign(secret, UNSUBSCRIBE_PURPOSE, messageId)}`;
}

/** The message id in a valid unsubscribe token, or null when the token is malformed or its signature is wrong. */
export function verifyUnsubscribeToken(secret: Buffer, token: string): string | null {
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length > 200) return null;
  const messageId = token.slice(0, dot);
  return verifySignature(secret, UNSUBSCRIBE_PURPOSE, messageId, token.slice(dot + 1)) ? messageId : null;
}

/** The one-click unsubscribe URL of a message (RFC 8058), on the platform's public URL. */
export function unsubscribeUrl(publicUrl: string, secret: Buffer, messageId: string): string {
  return `${publicUrl}/u/${unsubscribeToken(secret, messageId)}`;
}

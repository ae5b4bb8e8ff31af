/** Close code for a connection whose credential is present but not valid (unknown, malformed, conflicting). */
export const CLOSE_UNAUTHORIZED = 4401;

/** Where clients put the credential in `connection_init`'s payload, in the order they are read. */
export const WS_CREDENTIAL_FIELDS = ['authorization', 'Authorization', 'headers.Authorization', 'headers.authorization', 'authToken', 'token'] as const;

function field(params: Record<string, unknown>, path: string): unknown {
  if (!path.startsWith('headers.')) return params[path];
  const headers = params.headers;
  return typeof headers === 'object' && headers !== null ? (headers as Record<string, unknown>)[path.slice('headers.'.length)] : undefined;
}

/**
 * The credential of a graphql-ws connection as an `Authorization` value, from any of the forms
 * clients send (`authorization`, `Authorization`, `headers.Authorization`, `authToken`, `token`; a
 * bare token gets `Bearer ` put in front): `{ authorization: null }` when none is given;
 * `{ invalid }` when one is present but not a string, or two name different credentials.
 * Pure.
 */
export function wsCredential(params: Record<string, unknown> | undefined | null): { authorization: string | null } | { invalid: string } {
  if (!params || typeof params !== 'object') return { authorization: null };
  let found: string | null = null;
  for (const path of WS_CREDENTIAL_FIELDS) {
    const v = field(params, path);
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string') return { invalid: `connectionParams.${path} must be a string` };
    const value = /^Bearer\s/i.test(v) ? v : `Bearer ${v}`;
    if (found !== null && found !== value) return { invalid: 'connectionParams name two different credentials' };
    found = value;
  }
  return { authorization: found };
}

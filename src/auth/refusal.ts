import type { Principal } from './principal';

const principals = new WeakMap<object, Principal>();

/**
 * Marks a refusal (an inactive credential, a spent rate limit) with the principal it refused, so the
 * request log can file the refused call under that principal's account and scope. The principal never
 * reaches the client: the error's message and extensions are unchanged. Returns the error.
 */
export function refusedAs<E extends object>(error: E, principal: Principal): E {
  principals.set(error, principal);
  return error;
}

/** The principal a refusal was marked with (see refusedAs); null for any other error. */
export function refusedPrincipal(error: unknown): Principal | null {
  return (typeof error === 'object' && error !== null && principals.get(error)) || null;
}

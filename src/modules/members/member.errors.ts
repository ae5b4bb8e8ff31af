import { type AppError, badInput, conflict, notFound, unauthenticated } from '../../graphql/errors';

/** NOT_FOUND for a member id that is missing or outside the caller's account. */
export function memberNotFound(field = 'id'): AppError {
  return notFound('Member', field);
}

/** The one answer to a failed login, whether the address is unknown or the password wrong. */
export function invalidCredentials(): AppError {
  return unauthenticated('Invalid e-mail or password');
}

/** The one answer to an unknown, spent or expired invitation token. */
export function invalidInvitation(): AppError {
  return badInput('token', 'This invitation link is invalid or has expired');
}

/** CONFLICT when a change would leave nobody able to manage members. */
export function lastManager(field: string): AppError {
  return conflict(field, 'The account must keep at least one active ADMIN member or an account-wide API token with MEMBERS_MANAGE');
}

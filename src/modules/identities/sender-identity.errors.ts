import { AppError, badInput, conflict, notFound } from '../../graphql/errors';

/** NOT_FOUND for an identity that is missing or outside the caller's scope. */
export function identityNotFound(field = 'id'): AppError {
  return notFound('SenderIdentity', field);
}

/** BAD_USER_INPUT for any token that cannot confirm: unknown, expired or already used (one message for all). */
export function invalidConfirmationToken(): AppError {
  return badInput('token', 'This confirmation link is invalid or has expired. Ask the sender for a new one.');
}

/** CONFLICT for an address that is already a sender identity in the account. */
export function duplicateIdentity(): AppError {
  return conflict('email', 'This address is already a sender identity in this account');
}

/** BAD_USER_INPUT for a resend on a confirmed identity. */
export function alreadyConfirmed(): AppError {
  return badInput('id', 'This sender identity is already confirmed');
}

/** RATE_LIMITED for a confirmation resent too soon. */
export function resendTooSoon(retryAfterSeconds: number): AppError {
  return new AppError('RATE_LIMITED', `A confirmation e-mail was resent moments ago; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
}

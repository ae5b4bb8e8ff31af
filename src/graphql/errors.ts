import { GraphQLError } from 'graphql';

/** The closed set of error codes clients can rely on. */
export type ErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT' | 'CONFLICT' | 'RATE_LIMITED' | 'INTERNAL_SERVER_ERROR';

export const ERROR_CODES: readonly ErrorCode[] = ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT', 'RATE_LIMITED', 'INTERNAL_SERVER_ERROR'];

/** An expected, client-facing error. Its message is safe to show; `field` names the offending input. */
export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
    this.name = 'AppError';
  }
}

/** BAD_USER_INPUT naming the field. */
export function badInput(field: string, message: string, extra: Record<string, unknown> = {}): AppError {
  return new AppError('BAD_USER_INPUT', message, { field, ...extra });
}

/** NOT_FOUND, worded the same whether the row is missing or outside the caller's scope. */
export function notFound(type: string, field = 'id'): AppError {
  return new AppError('NOT_FOUND', `${type} not found`, { field });
}

/** FORBIDDEN for a missing permission. */
export function forbidden(message = 'You do not have permission to do this'): AppError {
  return new AppError('FORBIDDEN', message);
}

/** UNAUTHENTICATED. */
export function unauthenticated(message = 'Authentication required'): AppError {
  return new AppError('UNAUTHENTICATED', message);
}

/** CONFLICT naming the field. */
export function conflict(field: string, message: string): AppError {
  return new AppError('CONFLICT', message, { field });
}

/** RATE_LIMITED: try again after `retryAfterSeconds` (also in `extensions.retryAfter`). */
export function rateLimited(retryAfterSeconds: number, message = 'Too many requests: try again later', extra: Record<string, unknown> = {}): AppError {
  const retryAfter = Math.max(1, Math.ceil(retryAfterSeconds));
  return new AppError('RATE_LIMITED', `${message} (retry after ${retryAfter} s)`, { retryAfter, ...extra });
}

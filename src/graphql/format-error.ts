import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ArgumentValidationError } from 'type-graphql';
import { AppError, ERROR_CODES } from './errors';

/** The message every unexpected error is replaced with. */
export const INTERNAL_MESSAGE = 'Internal server error';

/** True when the error is not one we meant to show (it gets logged whole and hidden). */
export function isUnexpected(error: unknown): boolean {
  const original = appErrorOf(error) ?? unwrapResolverError(error);
  if (original instanceof AppError || original instanceof ArgumentValidationError) return false;
  if (original instanceof GraphQLError) {
    // Errors graphql-js raises itself before execution (parse, validation, coercion) have no path.
    return original.path !== undefined && original.originalError !== undefined && !(original.originalError instanceof GraphQLError);
  }
  return true;
}

/** The AppError behind `error`, also when a wrapper (Apollo's validation or variable errors) carries it. */
function appErrorOf(error: unknown): AppError | null {
  const original = unwrapResolverError(error);
  if (original instanceof AppError) return original;
  if (original instanceof GraphQLError && original.originalError instanceof AppError) return original.originalError;
  return null;
}

function validationField(err: ArgumentValidationError): { field: string; message: string } {
  let e = err.extensions.validationErrors?.[0] as { property: string; constraints?: Record<string, string>; children?: unknown[] } | undefined;
  const path: string[] = [];
  while (e) {
    path.push(e.property);
    if (e.constraints && Object.keys(e.constraints).length) return { field: path.join('.'), message: Object.values(e.constraints)[0] };
    e = (e.children?.[0] as typeof e) ?? undefined;
  }
  return { field: path.join('.') || 'input', message: 'Invalid input' };
}

/**
 * Maps every error to the closed set of codes. Known errors pass through; graphql-js input errors
 * become BAD_USER_INPUT; anything else becomes INTERNAL_SERVER_ERROR with no detail (the request id
 * is added by the logging plugin, which also logs the original).
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  const app = appErrorOf(error);
  if (app) {
    return { ...base, message: app.message, extensions: { ...app.extensions } };
  }
  if (original instanceof ArgumentValidationError) {
    const { field, message } = validationField(original);
    return { ...base, message: `${field}: ${message}`, extensions: { code: 'BAD_USER_INPUT', field } };
  }
  if (!isUnexpected(error)) {
    const code = String(formatted.extensions?.code ?? '');
    const known = (ERROR_CODES as readonly string[]).includes(code) && code !== 'INTERNAL_SERVER_ERROR';
    return { ...base, extensions: { code: known ? code : 'BAD_USER_INPUT' } };
  }
  return { message: INTERNAL_MESSAGE, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

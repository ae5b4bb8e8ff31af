import { type AppError, conflict, notFound } from '../../graphql/errors';

/** NOT_FOUND for a domain id, the same whether it is missing or outside the caller's scope. */
export function domainNotFound(field = 'id'): AppError {
  return notFound('Domain', field);
}

/** CONFLICT on `name`: the same client (or the agency) already has this name, or, for an account-wide caller, the account has it verified. */
export function domainNameTaken(): AppError {
  return conflict('name', 'This domain has already been added');
}

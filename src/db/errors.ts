import { UniqueConstraintViolationException } from '@mikro-orm/core';

/** True when a flush failed on a unique constraint. */
export function isUniqueViolation(e: unknown): boolean {
  return e instanceof UniqueConstraintViolationException;
}

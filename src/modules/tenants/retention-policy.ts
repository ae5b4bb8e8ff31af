import { badInput } from '../../graphql/errors';

/** Default and allowed range (days) of a tenant's data retention. */
export const RETENTION_LIMITS = { default: 180, min: 1, max: 3650 } as const;

/** A tenant's retention: messages and events kept `retentionDays`; their content only `contentRetentionDays` when set. */
export interface RetentionPolicy {
  retentionDays: number;
  contentRetentionDays: number | null;
}

/**
 * Applies requested changes to a retention policy: `retentionDays` left out (or null) keeps its value;
 * `contentRetentionDays` left out keeps its value and null clears it. Throws BAD_USER_INPUT naming the
 * field when a value is out of range, or when content would be kept longer than the messages. Pure.
 */
export function mergeRetention(current: RetentionPolicy, input: { retentionDays?: number | null; contentRetentionDays?: number | null }): RetentionPolicy {
  const { min, max } = RETENTION_LIMITS;
  const check = (field: string, v: number) => {
    if (!Number.isInteger(v) || v < min || v > max) throw badInput(field, `${field} must be a whole number of days from ${min} to ${max}`);
  };
  const next = { ...current };
  if (input.retentionDays !== undefined && input.retentionDays !== null) {
    check('retentionDays', input.retentionDays);
    next.retentionDays = input.retentionDays;
  }
  if (input.contentRetentionDays !== undefined) {
    if (input.contentRetentionDays !== null) check('contentRetentionDays', input.contentRetentionDays);
    next.contentRetentionDays = input.contentRetentionDays;
  }
  if (next.contentRetentionDays !== null && next.contentRetentionDays > next.retentionDays) {
    throw badInput('contentRetentionDays', 'contentRetentionDays cannot be longer than retentionDays (content goes with its message)');
  }
  return next;
}

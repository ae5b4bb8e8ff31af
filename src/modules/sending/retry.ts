/** Longest wait between two delivery attempts. */
export const MAX_RETRY_DELAY_MS = 4 * 3600_000;

/**
 * When to try a temporarily failed delivery again: `base × 2^(attempts − 1)` after now (at most 4 h),
 * but never after the retry window that started at `since` closes — the last try is at its end.
 * Null once the window has closed: the message soft-bounces. Pure.
 */
export function nextRetryAt(attempts: number, since: Date, now: Date, baseSeconds: number, windowHours: number): Date | null {
  const end = since.getTime() + windowHours * 3600_000;
  if (now.getTime() >= end) return null;
  const delay = Math.min(baseSeconds * 1000 * 2 ** Math.max(0, attempts - 1), MAX_RETRY_DELAY_MS);
  return new Date(Math.min(now.getTime() + delay, end));
}

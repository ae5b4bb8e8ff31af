import type { EntityManager } from '@mikro-orm/postgresql';
import type { JobQueue } from '../../context';

/** The job that checks one monitor (one queued per monitor: its key). */
export const CHECK_TASK = 'blocklist-check';
/** The recurring job that queues checks a lost job left behind. */
export const DUE_TASK = 'blocklist-due-checks';
/** The job that mails one alert to one address. */
export const ALERT_MAIL_TASK = 'blocklist-alert-mail';

/** Payload of a check job. */
export interface CheckJobPayload {
  monitorId: string;
}

/** The key of a monitor's check job. */
export function checkJobKey(monitorId: string): string {
  return `${CHECK_TASK}:${monitorId}`;
}

/** Queues (or moves) the monitor's check to `runAt`, in the caller's transaction `em`. Side effect: job. */
export async function scheduleCheck(queue: JobQueue, em: EntityManager, monitorId: string, runAt: Date): Promise<void> {
  await queue.add(em, CHECK_TASK, { monitorId } satisfies CheckJobPayload, { runAt, jobKey: checkJobKey(monitorId), maxAttempts: 3 });
}

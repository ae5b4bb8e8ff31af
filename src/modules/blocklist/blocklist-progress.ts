import type { Bus, Context } from '../../context';
import { BlocklistMonitor } from './blocklist-monitor.entity';
import { getBlocklistMonitor } from './blocklist.service';
import { releasing } from '../../lib/expand';

/** Bus topic a check announces its progress and its end on (payload: account and monitor ids only). */
export const BLOCKLIST_PROGRESS_TOPIC = 'blocklistCheckProgress';

/** What the topic carries. */
interface ProgressMessage {
  accountId: string;
  monitorId: string;
}

/** Announces that a monitor's progress (or result) changed; call it once the change is committed. Side effect: NOTIFY. */
export function announceProgress(bus: Bus, accountId: string, monitorId: string): void {
  bus.publish(BLOCKLIST_PROGRESS_TOPIC, { accountId, monitorId } satisfies ProgressMessage);
}

/**
 * The monitor as it is now and again each time its check progresses or ends (BLOCKLIST_READ; a monitor
 * outside the scope is NOT_FOUND naming `monitorId`, before the stream starts). Each is read afresh
 * through the scoped entity manager; the stream ends when the monitor is deleted.
 */
export async function streamCheckProgress(ctx: Context, monitorGid: string): Promise<AsyncIterableIterator<BlocklistMonitor>> {
  const monitor = await getBlocklistMonitor(ctx, monitorGid, 'monitorId');
  // Subscribed before the first read, so no change after it is missed.
  const wake = ctx.deps.bus.subscribe(BLOCKLIST_PROGRESS_TOPIC);
  return releasing(progressOf(ctx, monitor.id, monitor.account.id, wake), () => wake.return?.());
}

async function* progressOf(ctx: Context, monitorId: string, accountId: string, wake: AsyncIterableIterator<unknown>): AsyncGenerator<BlocklistMonitor> {
  try {
    const read = () => ctx.em.fork({ clear: true }).findOne(BlocklistMonitor, { id: monitorId });
    let current = await read();
    if (current) yield current;
    for await (const m of { [Symbol.asyncIterator]: () => wake }) {
      const msg = m as Partial<ProgressMessage> | null;
      if (msg?.accountId !== accountId || msg.monitorId !== monitorId) continue;
      ctx.renew();
      current = await read();
      if (!current) return;
      yield current;
    }
  } finally {
    await wake.return?.();
  }
}

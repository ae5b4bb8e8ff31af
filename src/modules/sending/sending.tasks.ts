import type { TaskList } from 'graphile-worker';
import type { TaskDeps } from '../module';
import { BULK_TASK, type BulkJobPayload } from './bulk.service';
import { processBulkSend } from './bulk.task';
import { type DeliveryDeps, runDelivery } from './deliver.task';
import { createOutbound } from './outbound';
import { DELIVER_TASK } from './send.service';
import { createSigningKeys } from './signing-keys';

/** The sending module's job handlers: message delivery and bulk-send processing. */
export function sendingTasks(td: TaskDeps): TaskList {
  const delivery: DeliveryDeps = { td, outbound: createOutbound(td.config, td.deps.dns), keys: createSigningKeys(td.config) };
  return {
    [DELIVER_TASK]: async (payload) => {
      await runDelivery(delivery, payload);
    },
    [BULK_TASK]: async (payload) => {
      await processBulkSend(td, payload as BulkJobPayload);
    },
  };
}

import { Permission } from '../../auth/permissions';
import { defineModule } from '../module';
import { WebhookDelivery } from './webhook-delivery.entity';
import { createDispatchStores } from './webhook-dispatch-stores.task';
import { LEGACY_DELIVER_TASK, runDispatchJob, runLegacyDeliverJob, runSweepJob, SWEEP_TASK } from './webhook-dispatch.task';
import { DISPATCH_TASK } from './webhook-fanout';
import { REPLAY_TASK, RETENTION_TASK, runReplayJob, runRetentionJob } from './webhook-jobs.task';
import { WebhookReplay } from './webhook-replay.entity';
import { webhookConsumer } from './webhook.consumer';
import { Webhook } from './webhook.entity';
import { WebhookDeliveryResolver, WebhookReplayResolver, WebhookResolver } from './webhook.resolver';

/** Webhooks: signed (Standard Webhooks), retried, logged and replayable notifications, fed by the event stream. */
export const webhooksModule = defineModule({
  name: 'webhooks',
  entities: [Webhook, WebhookDelivery, WebhookReplay],
  resolvers: [WebhookResolver, WebhookDeliveryResolver, WebhookReplayResolver],
  consumers: [webhookConsumer],
  tasks: (td) => {
    const stores = createDispatchStores(td.orm, td.deps.logger);
    return {
      [DISPATCH_TASK]: (payload, helpers) => runDispatchJob(td, stores, payload, helpers),
      [LEGACY_DELIVER_TASK]: (payload) => runLegacyDeliverJob(td, payload),
      [SWEEP_TASK]: () => runSweepJob(td),
      [REPLAY_TASK]: (payload) => runReplayJob(td, payload),
      [RETENTION_TASK]: async () => void (await runRetentionJob(td)),
    };
  },
  crontab: [`30 3 * * * ${RETENTION_TASK}`, `* * * * * ${SWEEP_TASK}`],
  nodeTypes: {
    Webhook: { entity: Webhook, permission: Permission.WEBHOOKS_READ },
    WebhookDelivery: { entity: WebhookDelivery, permission: Permission.WEBHOOKS_READ },
    WebhookReplay: { entity: WebhookReplay, permission: Permission.WEBHOOKS_READ },
  },
});

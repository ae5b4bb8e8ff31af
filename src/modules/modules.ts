import type { TaskList } from 'graphile-worker';
import type { EventConsumer } from '../events/consumers';
import type { HttpRoute } from '../http/routes';
import { accountsModule } from './accounts/accounts.module';
import { activityModule } from './activity/activity.module';
import { analyticsModule } from './analytics/analytics.module';
import { attachmentsModule } from './attachments/attachments.module';
import { apiTokensModule } from './api-tokens/api-tokens.module';
import { blocklistModule } from './blocklist/blocklist.module';
import { dmarcModule } from './dmarc/dmarc.module';
import { auditModule } from './audit/audit.module';
import { domainsModule } from './domains/domains.module';
import { erasureModule } from './erasure/erasure.module';
import { exportsModule } from './exports/exports.module';
import { healthModule } from './health/health.module';
import { identitiesModule } from './identities/identities.module';
import { logsModule } from './logs/logs.module';
import { ingestionModule } from './ingestion/ingestion.module';
import { mailModule } from './mail/mail.module';
import { membersModule } from './members/members.module';
import { messagesModule } from './messages/messages.module';
import type { FeatureModule, NodeType, TaskDeps } from './module';
import { nodeModule } from './node/node.module';
import { restModule } from './rest/rest.module';
import { retentionModule } from './retention/retention.module';
import { sendingModule } from './sending/sending.module';
import { smtpRelayModule } from './smtp-relay/smtp-relay.module';
import { suppressionsModule } from './suppressions/suppressions.module';
import { templatesModule } from './templates/templates.module';
import { tenantsModule } from './tenants/tenants.module';
import { trackingModule } from './tracking/tracking.module';
import { viewerModule } from './viewer/viewer.module';
import { webhooksModule } from './webhooks/webhooks.module';

/** Every feature, once. Adding a feature is one folder with a `<name>.module.ts` and one line here. */
export const MODULES: readonly FeatureModule[] = [
  accountsModule,
  tenantsModule,
  domainsModule,
  identitiesModule,
  templatesModule,
  apiTokensModule,
  membersModule,
  mailModule,
  sendingModule,
  attachmentsModule,
  activityModule,
  messagesModule,
  ingestionModule,
  trackingModule,
  suppressionsModule,
  nodeModule,
  viewerModule,
  webhooksModule,
  exportsModule,
  retentionModule,
  erasureModule,
  analyticsModule,
  blocklistModule,
  dmarcModule,
  logsModule,
  auditModule,
  healthModule,
  smtpRelayModule,
  restModule,
];

/** Every entity the ORM maps. */
export const ENTITIES = MODULES.flatMap((m) => m.entities ?? []);

/** ORM event subscribers of every module (registered by the server process). */
export const ORM_SUBSCRIBERS = MODULES.flatMap((m) => m.subscribers ?? []);

/** Every resolver class in the schema. */
export const RESOLVERS = MODULES.flatMap((m) => m.resolvers ?? []);

/** Plain HTTP routes modules add (public links). */
export const HTTP_ROUTES: readonly HttpRoute[] = MODULES.flatMap((m) => m.routes ?? []);

/** Recurring jobs (graphile-worker crontab). */
export const CRONTAB = MODULES.flatMap((m) => m.crontab ?? []).join('\n');

/** Every event consumer; a name used twice is a start-up error (they would share one cursor). */
export const CONSUMERS: readonly EventConsumer<TaskDeps>[] = (() => {
  const all = MODULES.flatMap((m) => m.consumers ?? []);
  const names = new Set<string>();
  for (const c of all) {
    if (names.has(c.name)) throw new Error(`Event consumer ${c.name} is registered twice`);
    names.add(c.name);
  }
  return all;
})();

/** Types `node(id)` loads, by GraphQL type name; a name listed by two modules is a start-up error. */
export const NODE_TYPES: ReadonlyMap<string, NodeType> = (() => {
  const types = new Map<string, NodeType>();
  for (const m of MODULES) {
    for (const [name, type] of Object.entries(m.nodeTypes ?? {})) {
      if (types.has(name)) throw new Error(`Node type ${name} is listed by two modules`);
      types.set(name, type);
    }
  }
  return types;
})();

/** The job handlers of every module; a task name registered twice is a start-up error. */
export function createTaskList(td: TaskDeps): TaskList {
  const list: TaskList = {};
  for (const m of MODULES) {
    for (const [name, task] of Object.entries(m.tasks?.(td) ?? {})) {
      if (list[name]) throw new Error(`Task ${name} is registered by two modules`);
      list[name] = task;
    }
  }
  return list;
}

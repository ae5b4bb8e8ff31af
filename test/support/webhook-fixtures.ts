import type { IncomingHttpHeaders } from 'node:http';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import type { Config } from '../../src/config';
import { toGlobalId } from '../../src/graphql/global-id';
import { CreateWebhookDocument, type CreateWebhookInput } from '../generated/graphql';
import { buildTenant, insertDomain } from './factories';
import { ok, startTestServer, type TestServer } from './harness';
import { freshDatabase } from './sending-fixtures';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

/** A server with its worker on, on a database of its own, delivering webhooks to a loopback receiver with a short retry schedule. */
export interface WebhookEnv {
  s: TestServer;
  rx: WebhookReceiver;
  stop(): Promise<void>;
}

/** Starts the env (MAILROOM_WEBHOOK_ALLOW_PRIVATE and _HTTP on: the receiver is on 127.0.0.1; one job at a time, so arrival order is event order). */
export async function startWebhookEnv(overrides: Partial<Config> = {}): Promise<WebhookEnv> {
  const db = await freshDatabase();
  const rx = await startWebhookReceiver();
  const s = await startTestServer({
    databaseUrl: db.url,
    runWorker: true,
    webhookAllowPrivate: true,
    webhookAllowHttp: true,
    webhookRetryScheduleSeconds: [0, 1, 1],
    webhookEndpointConcurrency: 1,
    workerConcurrency: 1,
    ...overrides,
  });
  return {
    s,
    rx,
    async stop() {
      await s.stop();
      await rx.close();
      await db.drop();
    },
  };
}

/** Verifies a received request with the `standardwebhooks` library; returns the parsed body (throws when it does not verify). */
export function verifyWith(secret: string, headers: IncomingHttpHeaders, body: string): any {
  const h = { 'webhook-id': String(headers['webhook-id']), 'webhook-timestamp': String(headers['webhook-timestamp']), 'webhook-signature': String(headers['webhook-signature']) };
  return new StandardWebhook(secret).verify(body, h);
}

/** An account with two tenants (a domain each) and an agency domain; global ids and uuids. */
export async function webhookWorld(s: TestServer) {
  const { accountId, adminToken } = await s.newAccount();
  const tenantA = await buildTenant(s, adminToken, 'Client A');
  const tenantB = await buildTenant(s, adminToken, 'Client B');
  const uuid = (gid: string) => Buffer.from(gid, 'base64url').toString().split(':')[1];
  const domainA = await insertDomain(s, { accountId, tenantUuid: uuid(tenantA) });
  const domainA2 = await insertDomain(s, { accountId, tenantUuid: uuid(tenantA) });
  const domainB = await insertDomain(s, { accountId, tenantUuid: uuid(tenantB) });
  const agency = await insertDomain(s, { accountId, tenantUuid: null });
  return {
    accountId,
    adminToken,
    tenantA,
    tenantB,
    tenantAUuid: uuid(tenantA),
    tenantBUuid: uuid(tenantB),
    domainA,
    domainA2,
    domainB,
    agency,
    gid: (d: { id: string }) => toGlobalId('Domain', d.id),
  };
}

/** Creates a webhook through GraphQL; returns the payload. */
export async function createWebhook(s: TestServer, token: string, input: CreateWebhookInput) {
  return ok(await s.gql(CreateWebhookDocument, { input }, token)).createWebhook;
}

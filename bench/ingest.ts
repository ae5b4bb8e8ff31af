import 'reflect-metadata';
import pg from 'pg';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { systemEm } from '../src/context';
import { toGlobalId } from '../src/graphql/global-id';
import { createAccountWithAdminToken } from '../src/modules/accounts/bootstrap';
import { Domain } from '../src/modules/domains/domain.entity';
import { DomainStatus } from '../src/modules/domains/domain.types';
import { Message } from '../src/modules/sending/message.entity';
import { Tenant } from '../src/modules/tenants/tenant.entity';
import { timed } from './support';

const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 40);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const MESSAGES = 1000;
const TYPES = ['SENT', 'DELIVERED', 'DEFERRED', 'SOFT_BOUNCED', 'HARD_BOUNCED', 'SPAM_COMPLAINT', 'UNSUBSCRIBED'];

async function main(): Promise<void> {
  const config = loadConfig(
    { ...process.env, LOG_LEVEL: 'warn', MAILROOM_DATA_DIR: process.env.MAILROOM_DATA_DIR ?? '.data/bench' },
    { port: 0, host: '127.0.0.1', runWorker: false, bootstrapToken: null },
  );
  const app = await createApp(config);
  const client = new pg.Client({ connectionString: app.databaseUrl });
  await client.connect();
  try {
    const { account, secret } = await createAccountWithAdminToken(app.orm, 'Ingest agency');
    const em = systemEm(app.orm);
    const tenant = em.create(Tenant, { account, name: 'Client', tag: `c-${account.id.slice(0, 8)}` });
    const domain = em.create(Domain, {
      account,
      tenant,
      name: `c-${account.id.slice(0, 8)}.example.com`,
      status: DomainStatus.VERIFIED,
      dkimSelector: 'mr1',
      dkimPublicKey: 'x',
      dkimPrivateKeyEncrypted: 'x',
      returnPathSubdomain: 'mr',
      dnsRecords: [],
      recheckUntil: new Date(),
    });
    const messages = Array.from({ length: MESSAGES }, (_, i) =>
      em.create(Message, { account, tenant, domain, fromEmail: `hi@${domain.name}`, recipient: `r${i}@example.net`, verpToken: `v${i}-${account.id}` }),
    );
    await em.flush();
    const at = new Date().toISOString();
    const batch = (b: number) => Array.from({ length: BATCH }, (_, i) => ({ n: b * BATCH + i, m: messages[(b * BATCH + i) % MESSAGES], type: TYPES[i % TYPES.length] }));

    const viaApi = await timed(
      Array.from({ length: BATCHES }, (_, b) => async () => {
        const events = batch(b).map((e) => ({ eventId: `api-${e.n}`, messageId: toGlobalId('Message', e.m.id), type: e.type, occurredAt: at, smtpResponse: '250 2.0.0 OK' }));
        const res = await fetch(`${app.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
          body: JSON.stringify({ query: 'mutation($i: RecordDeliveryEventsInput!) { recordDeliveryEvents(input: $i) { recorded duplicates } }', variables: { i: { events } } }),
        });
        const body = (await res.json()) as { errors?: unknown; data?: { recordDeliveryEvents: { recorded: number } } };
        if (body.errors || body.data?.recordDeliveryEvents.recorded !== BATCH) throw new Error(JSON.stringify(body.errors ?? body.data));
      }),
      CONCURRENCY,
    );

    const plain = await timed(
      Array.from({ length: BATCHES }, (_, b) => async () => {
        const rows = batch(b);
        const values = rows.map((_, i) => `($${i * 7 + 1}, $${i * 7 + 2}, $${i * 7 + 3}, $${i * 7 + 4}, $${i * 7 + 5}, $${i * 7 + 6}, $${i * 7 + 7}, '{}', '{}')`).join(', ');
        const params = rows.flatMap((e) => [at, e.type, account.id, e.m.id, tenant.id, domain.id, e.m.recipient]);
        await client.query(`insert into activity_events (occurred_at, type, account_id, message_id, tenant_id, domain_id, recipient, tags, data) values ${values}`, params);
      }),
      1,
    );
    const total = BATCH * BATCHES;
    console.log(`\n${new Date().toISOString()} — ${total} events in batches of ${BATCH}; API with ${CONCURRENCY} concurrent requests\n`);
    console.log(
      [
        '| path | events | seconds | events/s |',
        '| --- | ---: | ---: | ---: |',
        `| recordDeliveryEvents over HTTP (validation, scope check, idempotency, status updates, NOTIFY) | ${total} | ${viaApi.toFixed(2)} | ${(total / viaApi).toFixed(0)} |`,
        `| plain multi-row INSERT, one connection (baseline) | ${total} | ${plain.toFixed(2)} | ${(total / plain).toFixed(0)} |`,
      ].join('\n'),
    );
  } finally {
    await client.end();
    await app.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemEm } from '../src/context';
import { ActivityEventType } from '../src/events/event-type';
import { insertEvents } from '../src/events/events.queries';
import { messageEvent } from '../src/modules/sending/message-event';
import { Message } from '../src/modules/sending/message.entity';
import { ok } from './support/harness';
import { buildServer, startWorkerProcess } from './support/processes';
import { type SendingEnv, startSendingEnv, tenantWithDomain } from './support/sending-fixtures';

const SOFT_RECIPIENTS = 1000;
const SOFT_PER_RECIPIENT = 12;
const HARD_RECIPIENTS = 3000;

let env: SendingEnv;
let build: string;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  env = await startSendingEnv({ runWorker: false });
  build = buildServer('consumer-crash', 'worker.ts');
});
afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await env?.stop();
  if (build) rmSync(build, { recursive: true, force: true });
});

/** Starts `npm run worker`'s entry point on the test database. */
async function startWorker(): Promise<ChildProcess> {
  const vars = {
    DATABASE_URL: env.s.app.databaseUrl,
    MAILROOM_SECRET: env.s.app.config.secret.toString('utf8'),
    MAILROOM_MAIL_DOMAIN: env.s.app.config.mailDomain,
    DELIVERY_MODE: 'sandbox',
    LOG_LEVEL: 'info',
  };
  const child = await startWorkerProcess(join(build, 'dist', 'src', 'worker.js'), vars);
  workers.push(child);
  return child;
}

async function cursor(): Promise<{ processed: number; behind: number }> {
  const [row] = await systemEm(env.s.app.orm).execute<{ processed: string; behind: string }[]>(
    `select c.processed::text as processed, (select count(*) from activity_events e where e.id > c.last_event_id)::text as behind from event_consumers c where c.name = 'suppressions'`,
  );
  return { processed: Number(row?.processed ?? 0), behind: Number(row?.behind ?? -1) };
}

describe('the suppression consumer killed mid-batch', () => {
  it('applies every event exactly once after SIGKILL and restart: no soft bounce counted twice or lost, every hard bounce listed', { timeout: 240_000 }, async () => {
    const t = await tenantWithDomain(env);
    // A threshold no recipient reaches: every soft bounce stays a plain tally row, so the count is exact.
    ok(
      await env.s.gql(
        'mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { tenant { id } } }',
        { input: { id: t.tenantId, onHoldPolicy: { softBounceThreshold: 100 } } },
        t.adminToken,
      ),
    );
    const em = systemEm(env.s.app.orm);
    const create = (recipient: string) =>
      em.create(Message, { account: t.accountId, tenant: t.tenantUuid, domain: t.domain.id, fromEmail: `news@${t.domain.name}`, recipient, verpToken: randomBytes(12).toString('hex') });
    const soft = Array.from({ length: SOFT_RECIPIENTS }, (_, i) => create(`soft${i}@crash.example.test`));
    const hard = Array.from({ length: HARD_RECIPIENTS }, (_, i) => create(`hard${i}@crash.example.test`));
    await em.flush();

    // The consumer's cursor starts "from now" when the first worker starts; the events come after.
    const first = await startWorker();
    const events = [
      ...soft.flatMap((m) => Array.from({ length: SOFT_PER_RECIPIENT }, () => messageEvent(m, ActivityEventType.SOFT_BOUNCED, { response: '452 4.2.2 Mailbox full' }))),
      ...hard.map((m) => messageEvent(m, ActivityEventType.HARD_BOUNCED, { response: '550 5.1.1 No such user' })),
    ].sort(() => Math.random() - 0.5);
    for (let i = 0; i < events.length; i += 2000) await insertEvents(systemEm(env.s.app.orm), events.slice(i, i + 2000));
    const total = events.length;

    // Kill it while it is working through the backlog.
    const started = Date.now();
    for (;;) {
      const c = await cursor();
      if (c.processed > 0 && c.behind > 0) break;
      if (c.behind === 0) throw new Error('the consumer caught up before it could be killed');
      if (Date.now() - started > 60_000) throw new Error(`the consumer did not start: ${JSON.stringify(c)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const atKill = await cursor();
    expect(atKill.behind).toBeGreaterThan(0);

    await startWorker();
    for (const begun = Date.now(); (await cursor()).behind > 0;) {
      if (Date.now() - begun > 120_000) throw new Error(`not caught up: ${JSON.stringify(await cursor())}`);
      await new Promise((r) => setTimeout(r, 200));
    }

    const [tally] = await em.execute<{ rows: string; events: string }[]>('select count(*)::text as rows, count(distinct event_id)::text as events from suppression_soft_bounces where account_id = ?', [
      t.accountId,
    ]);
    expect(Number(tally.rows)).toBe(SOFT_RECIPIENTS * SOFT_PER_RECIPIENT);
    expect(Number(tally.events)).toBe(SOFT_RECIPIENTS * SOFT_PER_RECIPIENT);
    const [listed] = await em.execute<{ n: string }[]>("select count(*)::text as n from suppressions where account_id = ? and list = 'HARD_BOUNCE'", [t.accountId]);
    expect(Number(listed.n)).toBe(HARD_RECIPIENTS);
    expect((await cursor()).processed).toBe(total);
    console.info(`consumer crash test: killed after ${atKill.processed} of ${total} events; all applied once after restart`);
  });
});

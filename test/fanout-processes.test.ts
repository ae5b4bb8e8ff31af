import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { toSealedGlobalId } from '../src/graphql/global-id';
import { Tenant } from '../src/modules/tenants/tenant.entity';
import { ActivityEventType, insertMessage, recordEvents } from './support/activity-fixture';
import { insertApiToken, insertDomain, unique } from './support/factories';
import { startTestServer, type TestServer } from './support/harness';
import { subscribe } from './support/ws-client';

const ROOT = join(__dirname, '..');
let s: TestServer;
let child: ChildProcess;
let childUrl: string;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  s = await startTestServer();
  // The second process is the real server, compiled and started as `npm start` would.
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
  const port = await freePort();
  child = spawn(process.execPath, [join(ROOT, 'dist/src/main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: inject('databaseUrl'),
      PORT: String(port),
      HOST: '127.0.0.1',
      MAILROOM_SECRET: 'test-secret-test-secret-test-secret',
      LOG_LEVEL: 'warn',
      MAILROOM_WORKER: 'off',
      DNS_SERVERS: '127.0.0.1:9',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  childUrl = `http://127.0.0.1:${port}`;
  for (let waited = 0; ; waited += 200) {
    if (
      (await fetch(`${childUrl}/healthz`)
        .then((r) => r.status)
        .catch(() => 0)) === 200
    )
      break;
    if (waited > 30_000 || child.exitCode !== null) throw new Error('the second server process did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  await s?.stop();
});

describe('fan-out across server processes', () => {
  it('an event committed through one process reaches a subscriber on another, in order and once', async () => {
    const { accountId } = await s.newAccount();
    const em = systemEm(s.app.orm);
    const tenant = em.create(Tenant, { account: accountId, name: 'Client', tag: unique('t') });
    const other = em.create(Tenant, { account: accountId, name: 'Other', tag: unique('o') });
    await em.flush();
    const domain = await insertDomain(s, { accountId, tenantUuid: tenant.id });
    const otherDomain = await insertDomain(s, { accountId, tenantUuid: other.id });
    const { secret } = await insertApiToken(s, { accountId, permissions: [Permission.ACTIVITY_READ], tenantUuid: tenant.id });
    const SUB = `subscription { activity { id type recipient } }`;
    const onChild = subscribe(childUrl, secret, SUB, {}, (d: any) => d.activity);
    const onSelf = subscribe(s.url, secret, SUB, {}, (d: any) => d.activity);
    await new Promise((r) => setTimeout(r, 500));
    const m = await insertMessage(s, { accountId, domainUuid: domain.id, tenantUuid: tenant.id });
    const foreign = await insertMessage(s, { accountId, domainUuid: otherDomain.id, tenantUuid: other.id });
    const types = [ActivityEventType.QUEUED, ActivityEventType.SENT, ActivityEventType.DELIVERED, ActivityEventType.OPENED, ActivityEventType.CLICKED];
    const written: string[] = [];
    for (let round = 0; round < 4; round++) {
      for (const row of await recordEvents(s, m, types)) written.push(row.id);
      await recordEvents(s, foreign, [ActivityEventType.QUEUED]);
    }
    await onChild.waitFor(written.length, 15_000);
    await onSelf.waitFor(written.length, 15_000);
    await new Promise((r) => setTimeout(r, 500));
    const expected = written.map((id) => toSealedGlobalId(s.app.config.secret, 'ActivityEvent', accountId, id));
    expect(onChild.items.map((e: any) => e.id)).toEqual(expected);
    expect(onSelf.items.map((e: any) => e.id)).toEqual(expected);
    await onChild.close();
    await onSelf.close();
  });
});

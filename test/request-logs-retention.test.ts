import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { toGlobalId } from '../src/graphql/global-id';
import { applyRequestLogRetention } from '../src/modules/logs/request-log-retention';
import { requestLogPartitions } from '../src/modules/logs/request-logs.queries';
import { insertDomain } from './support/factories';
import { ok, startTestServer, type TestServer } from './support/harness';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s?.stop());

describe('request log redaction', () => {
  it('keeps no secret and no message content in the stored request and response, even aliased or passed through variables', async () => {
    const a = await s.newAccount();
    const domain = await insertDomain(s, { accountId: a.accountId });
    const created = ok(
      await s.gql<any, unknown>(
        `mutation Tok($perms: [Permission!]!) { createApiToken(input: { name: "logged", permissions: $perms }) { apiToken { id } s: secret } }`,
        { perms: [Permission.LOGS_READ] },
        a.adminToken,
      ),
    );
    const secret: string = created.createApiToken.s;
    const tpl = ok(
      await s.gql<any, unknown>(
        `mutation Tpl($d: ID!, $h: String) { createTemplate(input: { domainId: $d, name: "T", subject: "Subject-xyzzy", html: $h, text: "inline-text-plugh" }) { template { id body: html subject } } }`,
        { d: toGlobalId('Domain', domain.id), h: '<p>html-body-quux</p>' },
        a.adminToken,
      ),
    );
    expect(tpl.createTemplate.template.body).toBe('<p>html-body-quux</p>');
    await s.app.requestLog!.flush();
    const list = ok(await s.gql<any, unknown>(`query { requestLogs(filter: { operationNames: ["Tok", "Tpl"] }) { edges { node { id operationName } } } }`, {}, a.adminToken));
    expect(list.requestLogs.edges.map((e: any) => e.node.operationName)).toEqual(['Tpl', 'Tok']);
    for (const e of list.requestLogs.edges) {
      const one = ok(await s.gql<any, unknown>(`query One($id: ID!) { requestLog(id: $id) { request response } }`, { id: e.node.id }, a.adminToken)).requestLog;
      const stored = JSON.stringify(one);
      for (const leak of [secret, 'html-body-quux', 'inline-text-plugh', 'Subject-xyzzy']) expect(stored).not.toContain(leak);
      expect(stored).toContain('[REDACTED]');
      expect(one.request.query).toMatch(/mutation (Tok|Tpl)/);
    }
    const tok = list.requestLogs.edges.find((e: any) => e.node.operationName === 'Tok').node.id;
    const stored = ok(await s.gql<any, unknown>(`query One($id: ID!) { requestLog(id: $id) { request response } }`, { id: tok }, a.adminToken)).requestLog;
    expect(stored.request.variables).toEqual({ perms: ['LOGS_READ'] });
    expect(stored.response.data.createApiToken).toEqual({ apiToken: { id: created.createApiToken.apiToken.id }, s: '[REDACTED]' });
  });
});

describe('request log retention', () => {
  it('drops whole daily partitions past REQUEST_LOG_RETENTION_DAYS and keeps the current ones (created ahead)', async () => {
    const em = systemEm(s.app.orm);
    await em.execute(`create table if not exists request_logs_20200101 partition of request_logs for values from ('2020-01-01 00:00:00+00') to ('2020-01-02 00:00:00+00')`);
    const before = (await requestLogPartitions(em)).map((p) => p.name);
    expect(before).toContain('request_logs_20200101');
    const today = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    expect(before).toContain(`request_logs_${today}`);
    const report = await applyRequestLogRetention(em, new Date(), 30, s.app.deps.logger);
    expect(report.dropped).toContain('request_logs_20200101');
    expect(report.dropped).not.toContain(`request_logs_${today}`);
    const after = (await requestLogPartitions(em)).map((p) => p.name);
    expect(after).not.toContain('request_logs_20200101');
    expect(after).toContain(`request_logs_${today}`);
    const ahead = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
    expect(after).toContain(`request_logs_${ahead}`);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../src/graphql/global-id';
import { createMonitor, reportXml, upload } from './support/dmarc-fixtures';
import { insertApiToken, insertDomain, unique } from './support/factories';
import { ok } from './support/harness';
import { createWebhook, startWebhookEnv, verifyWith, type WebhookEnv, webhookWorld } from './support/webhook-fixtures';
import { Permission } from '../src/auth/permissions';

let env: WebhookEnv;
beforeAll(async () => {
  env = await startWebhookEnv();
});
afterAll(() => env?.stop());

describe('DMARC_REPORT_RECEIVED webhooks', () => {
  it('a new report reaches the webhooks of its tenant once, signed, with the report’s figures; a duplicate sends nothing; another tenant’s webhook gets nothing', async () => {
    const w = await webhookWorld(env.s);
    const domain = await insertDomain(env.s, { accountId: w.accountId, tenantUuid: w.tenantAUuid, name: `${unique('w')}.example.com` });
    const hookA = await createWebhook(env.s, w.adminToken, { name: 'DMARC A', url: env.rx.url('/dmarc-a'), events: ['DMARC_REPORT_RECEIVED'], tenantId: w.tenantA });
    await createWebhook(env.s, w.adminToken, { name: 'DMARC B', url: env.rx.url('/dmarc-b'), events: ['DMARC_REPORT_RECEIVED'], tenantId: w.tenantB });
    const token = (await insertApiToken(env.s, { accountId: w.accountId, permissions: [Permission.DMARC_READ, Permission.DMARC_MANAGE], tenantUuid: w.tenantAUuid })).secret;
    const monitor = await createMonitor(env.s, token, toGlobalId('Domain', domain.id));
    const xml = Buffer.from(
      reportXml(domain.name, 'hook-1', 1, [
        { ip: '192.0.2.1', count: 10, dkim: 'pass', spf: 'pass' },
        { ip: '192.0.2.2', count: 3, dkim: 'fail', spf: 'fail' },
      ]),
    );
    const filed = ok(await upload(env.s, token, monitor.id, 'hook.xml', xml)).uploadDmarcReport;
    expect(ok(await upload(env.s, token, monitor.id, 'hook-again.xml', xml)).uploadDmarcReport.duplicate).toBe(true);
    await env.s.app.consumers!.drain();
    const got = await env.rx.waitFor('/dmarc-a', 2);
    const body = verifyWith(hookA.signingSecret, got[1].headers, got[1].body);
    expect(body).toMatchObject({
      type: 'dmarc.report_received',
      data: {
        dmarcReport: { id: filed.report.id, monitorId: monitor.id, orgName: 'google.com', email: 'noreply-dmarc-support@google.com', externalReportId: 'hook-1', messageCount: 13, dmarcFailCount: 3 },
        tenantId: w.tenantA,
        domainId: toGlobalId('Domain', domain.id),
      },
    });
    // Only the test ping reached tenant B, and nothing more reaches A for the duplicate.
    await new Promise((r) => setTimeout(r, 1500));
    expect(env.rx.on('/dmarc-b')).toHaveLength(1);
    expect(env.rx.on('/dmarc-a')).toHaveLength(2);
  });
});

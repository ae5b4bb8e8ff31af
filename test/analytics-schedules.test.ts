import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { ApiToken } from '../src/modules/api-tokens/api-token.entity';
import { mailSchedule, queueDueSchedules } from '../src/modules/analytics/analytics.tasks';
import { ReportSchedule } from '../src/modules/analytics/report-schedule.entity';
import { SystemEmail, SystemEmailKind } from '../src/modules/mail/system-email.entity';
import type { TaskDeps } from '../src/modules/module';
import { ANALYTICS_FROM as FROM, ANALYTICS_TO as TO, seedAnalytics, type SeededAnalytics } from './support/analytics-fixture';
import { insertApiToken } from './support/factories';
import { errorCode, ok } from './support/harness';
import { type MailTestServer, startMailTestServer } from './support/members';

/** scheduleReport: a durable schedule mails a link to the report's CSV, as its maker with the maker's access at the time. */
let s: MailTestServer;
let x: SeededAnalytics;
let td: TaskDeps;
let offsetMs = 0;
const tokens: Record<string, string> = {};
let tenantTokenUuid = '';

beforeAll(async () => {
  s = await startMailTestServer({ runWorker: true }, { deps: { clock: { now: () => new Date(Date.now() + offsetMs) } } });
  x = await seedAnalytics(s);
  const t1 = await insertApiToken(s, { accountId: x.A.accountId, permissions: [Permission.ANALYTICS_READ], tenantUuid: x.c1.tenantId });
  tokens.tenant1 = t1.secret;
  tenantTokenUuid = t1.tokenUuid;
  tokens.tenant2 = (await insertApiToken(s, { accountId: x.A.accountId, permissions: [Permission.ANALYTICS_READ], tenantUuid: x.c2.tenantId })).secret;
  td = { orm: s.app.orm, config: s.app.config, deps: s.app.deps };
}, 120_000);
afterAll(() => s?.stop());

const SCHEDULE = 'mutation($i: ScheduleReportInput!) { scheduleReport(input: $i) { schedule { reportId cadence recipients nextRunAt lastSentAt lastError } } }';

describe('scheduleReport', () => {
  it('mails a link to the CSV of the maker’s numbers each period, once; stops when the maker loses access', async () => {
    const report = ok(
      await s.gql<any, any>(
        'mutation($i: CreateReportInput!) { createReport(input: $i) { report { id } } }',
        { i: { name: 'Daily client', filter: { from: FROM, to: TO }, timezone: 'Europe/Berlin' } },
        tokens.tenant1,
      ),
    ).createReport.report;
    const to = `client-${Date.now()}@example.com`;
    const res = ok(await s.gql<any, any>(SCHEDULE, { i: { reportId: report.id, cadence: 'DAILY', recipients: [to.toUpperCase(), to] } }, tokens.tenant1)).scheduleReport.schedule;
    expect(res).toMatchObject({ reportId: report.id, cadence: 'DAILY', recipients: [to], lastSentAt: null });
    const next = new Date(res.nextRunAt);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(next)).toBe('00:00');

    // Not due yet: it stays where it is.
    await queueDueSchedules(td);
    const id = Buffer.from(report.id, 'base64url').toString().split(':')[1];
    const row = await systemEm(s.app.orm).findOneOrFail(ReportSchedule, { report: id });
    expect(row.nextRunAt.toISOString()).toBe(next.toISOString());
    // A day later it is due: one mail job (the job queue is shared by every worker on the database, so
    // any of them may run it), and the next run moves a day on.
    offsetMs = next.getTime() - Date.now() + 60_000;
    expect(await queueDueSchedules(td)).toBeGreaterThanOrEqual(1);
    const moved = await systemEm(s.app.orm).findOneOrFail(ReportSchedule, { id: row.id });
    expect(moved.nextRunAt.getTime()).toBeGreaterThan(next.getTime());
    await queueDueSchedules(td);
    expect((await systemEm(s.app.orm).findOneOrFail(ReportSchedule, { id: row.id })).nextRunAt.toISOString()).toBe(moved.nextRunAt.toISOString());
    // The mailing itself, here (with this server's mailer, which relays to the sink).
    await mailSchedule(td, row.id);
    const mails = await s.inbox.waitFor(to, 1);
    const text = (await simpleParser(mails.at(-1)!.raw)).text ?? '';
    const url = /https?:\/\/\S+\/analytics\/export\/\S+/.exec(text)![0];
    const csv = await (await fetch(`${s.url}${new URL(url).pathname}`)).text();
    const [head, ...lines] = csv.trim().split('\r\n');
    const sentCol = head.split(',').indexOf('sent');
    const sent = lines.reduce((n, l) => n + Number(l.split(',')[sentCol]), 0);
    expect(sent).toBe(x.events.filter((e) => e.type === 'SENT' && e.tenantId === x.c1.tenantId && e.occurredAt >= new Date(FROM) && e.occurredAt < new Date(TO)).length);
    expect((await systemEm(s.app.orm).findOneOrFail(ReportSchedule, { id: row.id })).lastSentAt).not.toBeNull();
    // The outbox keeps a copy without the link's secret.
    const stored = await systemEm(s.app.orm).find(SystemEmail, { toEmail: to, kind: SystemEmailKind.ANALYTICS_REPORT });
    expect(stored.length).toBeGreaterThanOrEqual(1);
    for (const m of stored) expect(m.text).not.toContain(new URL(url).pathname.split('/').at(-1)!);

    // The maker's token is revoked: the next mailing sends nothing and says why.
    await systemEm(s.app.orm).nativeUpdate(ApiToken, { id: tenantTokenUuid }, { revokedAt: new Date() });
    const before = s.inbox.messages.filter((m) => m.rcptTo.includes(to)).length;
    await mailSchedule(td, row.id);
    const after = await systemEm(s.app.orm).findOneOrFail(ReportSchedule, { id: row.id });
    expect(after.lastError).toMatch(/can no longer read/);
    expect(s.inbox.messages.filter((m) => m.rcptTo.includes(to))).toHaveLength(before);
    offsetMs = 0;
  });

  it('another tenant cannot schedule a report it does not see; recipients must be addresses', async () => {
    const report = ok(await s.gql<any, any>('mutation($i: CreateReportInput!) { createReport(input: $i) { report { id } } }', { i: { name: 'Mine', filter: { lastDays: 7 } } }, x.A.adminToken))
      .createReport.report;
    expect(errorCode(await s.gql<any, any>(SCHEDULE, { i: { reportId: report.id, cadence: 'WEEKLY', recipients: ['a@example.com'] } }, tokens.tenant2))).toBe('NOT_FOUND');
    const bad = await s.gql<any, any>(SCHEDULE, { i: { reportId: report.id, cadence: 'WEEKLY', recipients: ['not an address'] } }, x.A.adminToken);
    expect([errorCode(bad), bad.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', 'input.recipients']);
    const weekly = ok(await s.gql<any, any>(SCHEDULE, { i: { reportId: report.id, cadence: 'WEEKLY', recipients: ['a@example.com'] } }, x.A.adminToken)).scheduleReport.schedule;
    expect(new Date(weekly.nextRunAt).getUTCDay()).toBe(1);
    const stopped = ok(await s.gql<any, any>(SCHEDULE, { i: { reportId: report.id, cadence: 'WEEKLY', recipients: [] } }, x.A.adminToken)).scheduleReport.schedule;
    expect(stopped).toBeNull();
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { Permission } from '../../src/auth/permissions';
import { toGlobalId } from '../../src/graphql/global-id';
import { insertApiToken, insertDomain, insertTwoTenants } from './factories';
import { ok, type TestServer } from './harness';

/** The DMARC fixtures (parsedmarc's samples, Apache-2.0: see LICENSE beside them). */
export const DMARC_FIXTURES = join(__dirname, '..', 'fixtures', 'dmarc');

/** A fixture's bytes. */
export function fixture(name: string): Buffer {
  return readFileSync(join(DMARC_FIXTURES, name));
}

export const MONITOR_FIELDS = 'id ruaAddress wantedPolicy wantedRecord currentRecord recordValid recordNote lastCheckedAt domain { id name }';

/** Creates a monitor through GraphQL; returns the monitor. */
export async function createMonitor(s: TestServer, token: string, domainId: string, wantedPolicy = 'NONE'): Promise<any> {
  const res = await s.gql<any, any>(`mutation($input: CreateDmarcMonitorInput!) { createDmarcMonitor(input: $input) { monitor { ${MONITOR_FIELDS} } } }`, { input: { domainId, wantedPolicy } }, token);
  return ok(res).createDmarcMonitor.monitor;
}

/** Uploads a file through GraphQL; returns the whole response. */
export function upload(s: TestServer, token: string, monitorId: string, filename: string, content: Buffer) {
  return s.gql<any, any>(
    `mutation($input: UploadDmarcReportInput!) { uploadDmarcReport(input: $input) { duplicate report { id orgName email reportId beginAt endAt format source filename messageCount recordCount policyPublished { domain p sp np testing } monitor { id } } } }`,
    { input: { monitorId, filename, contentBase64: content.toString('base64') } },
    token,
  );
}

/**
 * An account with two tenants, each with a domain named `example.com`-like names of their own, tenant
 * tokens with every DMARC permission, and the admin token.
 */
export async function dmarcWorld(s: TestServer, names: { a: string; b: string } = { a: 'example.com', b: 'example.org' }) {
  const { accountId, adminToken } = await s.newAccount();
  const { tA, tB } = await insertTwoTenants(s, accountId);
  const dA = await insertDomain(s, { accountId, tenantUuid: tA.id, name: names.a });
  const dB = await insertDomain(s, { accountId, tenantUuid: tB.id, name: names.b });
  const perms = [Permission.DMARC_READ, Permission.DMARC_MANAGE, Permission.DOMAINS_READ, Permission.DOMAINS_MANAGE];
  const tokenA = (await insertApiToken(s, { accountId, permissions: perms, tenantUuid: tA.id })).secret;
  const tokenB = (await insertApiToken(s, { accountId, permissions: perms, tenantUuid: tB.id })).secret;
  return { accountId, adminToken, tA, tB, dA, dB, tokenA, tokenB, domainA: toGlobalId('Domain', dA.id), domainB: toGlobalId('Domain', dB.id) };
}

/** Sends a mail over SMTP to the app's inbound listener; resolves with the accepted recipients or rejects with the SMTP error. */
export async function mailTo(s: TestServer, to: string[], mail: SendMailOptions): Promise<{ accepted: string[]; rejected: string[] }> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: s.app.inboundSmtpPort!, secure: false, ignoreTLS: true, name: 'mx.reporter.example' });
  try {
    const info = await transport.sendMail({ envelope: { from: 'noreply-dmarc-support@google.com', to }, from: 'noreply-dmarc-support@google.com', to, subject: 'Report domain: example.com', ...mail });
    return { accepted: info.accepted.map(String), rejected: info.rejected.map(String) };
  } finally {
    transport.close();
  }
}

/** A small aggregate report of `domain` with the given rows, its period beginning `daysAgo` days ago. */
export function reportXml(
  domain: string,
  reportId: string,
  daysAgo: number,
  rows: { ip: string; count: number; dkim: 'pass' | 'fail'; spf: 'pass' | 'fail'; disposition?: string }[],
  org = 'google.com',
): string {
  const begin = Math.floor(Date.now() / 1000) - daysAgo * 86400;
  const records = rows
    .map(
      (
        r,
      ) => `<record><row><source_ip>${r.ip}</source_ip><count>${r.count}</count><policy_evaluated><disposition>${r.disposition ?? 'none'}</disposition><dkim>${r.dkim}</dkim><spf>${r.spf}</spf></policy_evaluated></row>
<identifiers><header_from>${domain}</header_from></identifiers><auth_results><spf><domain>${domain}</domain><result>${r.spf}</result></spf></auth_results></record>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<feedback><report_metadata><org_name>${org}</org_name><email>noreply-dmarc-support@${org}</email><report_id>${reportId}</report_id>
<date_range><begin>${begin}</begin><end>${begin + 86399}</end></date_range></report_metadata>
<policy_published><domain>${domain}</domain><adkim>r</adkim><aspf>r</aspf><p>none</p><sp>none</sp><pct>100</pct></policy_published>
${records}
</feedback>`;
}

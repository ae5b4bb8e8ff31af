import type { EntityManager } from '@mikro-orm/postgresql';
import { fileReport, type FiledReport } from './dmarc-ingest.service';
import { DmarcMonitor, RUA_PREFIX } from './dmarc-monitor.entity';
import { DmarcReportSource } from './dmarc.enums';
import { reportFileOfMail } from './mail-report';

const TOKEN = /^[a-z2-7]{26}$/;

/** The rua token of an address on the platform's inbound host (`dmarc-<token>@inbound.<mail domain>`); null for any other address. Pure. */
export function ruaTokenOf(address: string, mailDomain: string): string | null {
  const at = address.lastIndexOf('@');
  if (at < 0) return null;
  const local = address.slice(0, at).toLowerCase();
  const host = address
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, '');
  if (host !== `inbound.${mailDomain}`.toLowerCase() || !local.startsWith(RUA_PREFIX)) return null;
  const token = local.slice(RUA_PREFIX.length);
  return TOKEN.test(token) ? token : null;
}

/** Whether an address is meant for DMARC reports (the prefix on the inbound host), known or not. Pure. */
export function isRuaAddress(address: string, mailDomain: string): boolean {
  const lower = address.toLowerCase();
  return lower.endsWith(`@inbound.${mailDomain}`.toLowerCase()) && lower.startsWith(RUA_PREFIX);
}

/**
 * The monitor an rua address belongs to: exactly the one whose token it carries (the token is the
 * proof, across accounts: `em` is the inbound listener's system entity manager); null for an unknown
 * or malformed address. Read-only.
 */
export async function findMonitorByRuaAddress(em: EntityManager, address: string, mailDomain: string): Promise<DmarcMonitor | null> {
  const token = ruaTokenOf(address, mailDomain);
  if (!token) return null;
  return em.fork().findOne(DmarcMonitor, { ruaToken: token });
}

/**
 * Files the report a mail carries (attachment .xml, .xml.gz, .zip, or inline) under the monitor of the
 * rua address it was sent to. Throws DmarcRefusal for a mail that carries no report of that monitor's
 * domain. Side effects: writes (see fileReport).
 */
export async function fileMailReport(em: EntityManager, monitor: DmarcMonitor, raw: Buffer, maxBytes: number): Promise<FiledReport> {
  const file = await reportFileOfMail(raw);
  return fileReport(em, monitor, file.content, DmarcReportSource.MAIL, file.filename === 'inline.xml' ? null : file.filename, maxBytes);
}

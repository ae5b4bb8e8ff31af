import { registerEnumType } from 'type-graphql';

/** A DMARC policy (the `p=` tag). */
export enum DmarcPolicy {
  NONE = 'NONE',
  QUARANTINE = 'QUARANTINE',
  REJECT = 'REJECT',
}
registerEnumType(DmarcPolicy, { name: 'DmarcPolicy', description: 'A DMARC policy: NONE (monitor only), QUARANTINE (spam folder) or REJECT.' });

/** What receivers did with the messages of a source (RFC 9990 adds PASS). */
export enum DmarcDisposition {
  NONE = 'NONE',
  PASS = 'PASS',
  QUARANTINE = 'QUARANTINE',
  REJECT = 'REJECT',
}
registerEnumType(DmarcDisposition, { name: 'DmarcDisposition', description: 'What the receiver did with the messages: NONE (delivered), PASS (RFC 9990), QUARANTINE or REJECT.' });

/** How a report reached the platform. */
export enum DmarcReportSource {
  MAIL = 'MAIL',
  UPLOAD = 'UPLOAD',
}
registerEnumType(DmarcReportSource, { name: 'DmarcReportSource', description: 'MAIL (sent to the monitor’s rua address) or UPLOAD (uploadDmarcReport).' });

/** Which specification a report follows. */
export enum DmarcReportFormat {
  RFC7489 = 'RFC7489',
  RFC9990 = 'RFC9990',
}
registerEnumType(DmarcReportFormat, { name: 'DmarcReportFormat', description: 'RFC7489 (DMARC 1 aggregate reports) or RFC9990 (DMARCbis: namespaced, or using its new fields).' });

/** The `p=` value of a policy. Pure. */
export function policyTag(p: DmarcPolicy): string {
  return p.toLowerCase();
}

import { registerEnumType } from 'type-graphql';

/** A DMARC policy (the `p=` tag). */
export enum DmarcPolicy {
  NONE = 'NONE',
  QUARANTINE = 'QUARANTINE',
  REJECT = 'REJECT',
}
registerEnumType(DmarcPolicy, {
  name: 'DmarcPolicy',
  description: 'A DMARC policy: NONE (monitor only), QUARANTINE (spam folder) or REJECT.',
  valuesConfig: {
    NONE: { description: 'Monitor only: receivers deliver failing mail as usual and send reports.' },
    QUARANTINE: { description: 'Receivers put failing mail in the spam folder.' },
    REJECT: { description: 'Receivers refuse failing mail.' },
  },
});

/** What receivers did with the messages of a source (RFC 9990 adds PASS). */
export enum DmarcDisposition {
  NONE = 'NONE',
  PASS = 'PASS',
  QUARANTINE = 'QUARANTINE',
  REJECT = 'REJECT',
}
registerEnumType(DmarcDisposition, {
  name: 'DmarcDisposition',
  description: 'What the receiver did with the messages: NONE (delivered), PASS (RFC 9990), QUARANTINE or REJECT.',
  valuesConfig: {
    NONE: { description: 'Delivered: no policy applied.' },
    PASS: { description: 'Passed DMARC (RFC 9990 reports say so explicitly).' },
    QUARANTINE: { description: 'Put in the spam folder.' },
    REJECT: { description: 'Refused.' },
  },
});

/** How a report reached the platform. */
export enum DmarcReportSource {
  MAIL = 'MAIL',
  UPLOAD = 'UPLOAD',
}
registerEnumType(DmarcReportSource, {
  name: 'DmarcReportSource',
  description: 'MAIL (sent to the monitor’s rua address) or UPLOAD (uploadDmarcReport).',
  valuesConfig: {
    MAIL: { description: "Sent by a reporter to the monitor's rua address." },
    UPLOAD: { description: 'Uploaded with uploadDmarcReport.' },
  },
});

/** Which specification a report follows. */
export enum DmarcReportFormat {
  RFC7489 = 'RFC7489',
  RFC9990 = 'RFC9990',
}
registerEnumType(DmarcReportFormat, {
  name: 'DmarcReportFormat',
  description: 'RFC7489 (DMARC 1 aggregate reports) or RFC9990 (DMARCbis: namespaced, or using its new fields).',
  valuesConfig: {
    RFC7489: { description: 'A DMARC 1 aggregate report (RFC 7489).' },
    RFC9990: { description: 'A DMARCbis aggregate report (RFC 9990: its namespace, or its new fields).' },
  },
});

/** The `p=` value of a policy. Pure. */
export function policyTag(p: DmarcPolicy): string {
  return p.toLowerCase();
}

import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';

/** Verification state of a domain. */
export enum DomainStatus {
  PENDING = 'PENDING',
  VERIFIED = 'VERIFIED',
  FAILED = 'FAILED',
}
registerEnumType(DomainStatus, {
  name: 'DomainStatus',
  description: 'PENDING until SPF, DKIM and Return-Path match; FAILED when the automatic re-check window ended without that.',
  valuesConfig: {
    PENDING: { description: 'Waiting for SPF, DKIM and Return-Path to match (re-checked automatically).' },
    VERIFIED: { description: 'SPF, DKIM and Return-Path match: the domain can send.' },
    FAILED: { description: 'The automatic re-check window ended without a match; verifyDomain checks again.' },
  },
});

/** Which DNS record a row describes. */
export enum DnsRecordKind {
  SPF = 'SPF',
  DKIM = 'DKIM',
  RETURN_PATH = 'RETURN_PATH',
  TRACKING = 'TRACKING',
  INBOUND_MX = 'INBOUND_MX',
  DMARC = 'DMARC',
}
registerEnumType(DnsRecordKind, {
  name: 'DnsRecordKind',
  description: 'The purpose of a DNS record.',
  valuesConfig: {
    SPF: { description: 'The TXT record that lets the platform send for the domain.' },
    DKIM: { description: 'The TXT record with the public key messages are signed with.' },
    RETURN_PATH: { description: 'The CNAME of the bounce (envelope sender) host.' },
    TRACKING: { description: "The CNAME of the domain's own open and click tracking host (optional)." },
    INBOUND_MX: { description: 'The MX of the host that receives replies, bounces and complaints (optional).' },
    DMARC: { description: 'The DMARC policy TXT record at _dmarc.<domain> (recommended, not required for VERIFIED).' },
  },
});

/** Result of looking one record up. */
export enum DnsRecordStatus {
  PENDING = 'PENDING',
  VERIFIED = 'VERIFIED',
  MISSING = 'MISSING',
  MISMATCH = 'MISMATCH',
}
registerEnumType(DnsRecordStatus, {
  name: 'DnsRecordStatus',
  description: 'PENDING (not checked yet), VERIFIED, MISSING (no such record) or MISMATCH (a record exists with another value).',
  valuesConfig: {
    PENDING: { description: 'Not checked yet.' },
    VERIFIED: { description: 'Found with the expected value.' },
    MISSING: { description: 'No such record was found.' },
    MISMATCH: { description: 'A record exists with another value.' },
  },
});

/** One DNS record the client publishes, with the last check's outcome. Stored as JSON on the domain. */
@ObjectType({ description: 'A DNS record to publish for a domain, with the result of the last check.' })
export class DnsRecord {
  @Field(() => DnsRecordKind, { description: 'What the record is for.' })
  kind!: DnsRecordKind;

  @Field(() => String, { description: 'Fully-qualified host name of the record.' })
  hostname!: string;

  @Field(() => String, { description: 'Record type: TXT, CNAME or MX.' })
  type!: string;

  @Field(() => String, { description: 'The value to publish.' })
  value!: string;

  @Field(() => Int, { nullable: true, description: 'MX priority; null for other types.' })
  priority!: number | null;

  @Field(() => Boolean, { description: 'Whether the domain needs this record to be VERIFIED (SPF, DKIM, Return-Path; not tracking, inbound MX or DMARC).' })
  required!: boolean;

  @Field(() => DnsRecordStatus, { description: 'Outcome of the last check.' })
  status!: DnsRecordStatus;

  @Field(() => [String], { description: 'The values found at the hostname in the last check.' })
  found!: string[];

  @Field(() => String, { nullable: true, description: 'What is wrong, in words, when not VERIFIED.' })
  note!: string | null;

  @Field(() => String, { nullable: true, description: 'For SPF: the single merged record to publish instead of what was found; for DMARC: the found record with the monitor’s report address added.' })
  suggestedValue!: string | null;
}

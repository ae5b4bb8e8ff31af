import { Index, Entity, Enum, Filter, ManyToOne, Property, type Ref, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../db/base.entity';
import { ownedRows, scopeFilter } from '../../db/scope-filter';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { Account } from '../accounts/account.entity';
import { Tenant } from '../tenants/tenant.entity';
import { DnsRecord, DnsRecordKind, DnsRecordStatus, DomainStatus } from './domain.types';

/** A sending domain: the client's own (tenant set) or one of the agency's (tenant null). */
@Entity({ tableName: 'domains' })
@Index({ properties: ['tenant'] })
// A name is unique among an account's VERIFIED domains (DNS proved who owns it) and within one
// client (or the agency). Unverified claims elsewhere never block anyone: see addDomain.
@Unique({
  name: 'domains_account_id_name_verified_unique',
  expression: `create unique index "domains_account_id_name_verified_unique" on "domains" ("account_id", "name") where "status" = 'VERIFIED'`,
})
@Unique({
  name: 'domains_account_id_owner_name_unique',
  expression: `create unique index "domains_account_id_owner_name_unique" on "domains" ("account_id", coalesce("tenant_id", '00000000-0000-0000-0000-000000000000'), "name")`,
})
@Filter(scopeFilter((s) => ownedRows(s, { id: 'domain', tenant: 'tenant' }, false)))
@ObjectType({ implements: Node, description: 'A sending domain and the DNS records that authenticate it.' })
export class Domain extends BaseEntity implements Node {
  get nodeType(): string {
    return 'Domain';
  }

  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @ManyToOne(() => Tenant, { ref: true, nullable: true, deleteRule: 'cascade' })
  tenant!: Ref<Tenant> | null;

  @Field(() => String, { description: 'The domain name, lower case, IDNs in punycode.' })
  @Property({ type: 'text' })
  name!: string;

  @Field(() => DomainStatus, { description: 'Verification status.' })
  @Enum({ items: () => DomainStatus, type: 'text' })
  status: DomainStatus = DomainStatus.PENDING;

  @Field(() => String, { description: 'DKIM selector; the key is published at `<selector>._domainkey.<name>`.' })
  @Property({ type: 'text' })
  dkimSelector!: string;

  @Property({ type: 'text' })
  dkimPublicKey!: string;

  /** PKCS#8 PEM, encrypted with MAILROOM_SECRET. Never exposed. */
  @Property({ type: 'text', hidden: true, lazy: true })
  dkimPrivateKeyEncrypted!: string;

  @Field(() => String, { description: 'Return-Path subdomain (default `mr`).' })
  @Property({ type: 'text' })
  returnPathSubdomain!: string;

  @Field(() => String, { nullable: true, description: 'Tracking subdomain, when custom tracking is on.' })
  @Property({ type: 'text', nullable: true })
  trackingSubdomain: string | null = null;

  @Field(() => String, { nullable: true, description: 'Inbound subdomain, when inbound routing is on.' })
  @Property({ type: 'text', nullable: true })
  inboundSubdomain: string | null = null;

  /** The DMARC record a DMARC monitor of this domain wants published (set by the dmarc module); null: the default. */
  @Property({ type: 'text', nullable: true })
  dmarcRecord: string | null = null;

  @Field(() => [DnsRecord], { description: 'The records to publish, with the last check’s result for each.' })
  @Property({ type: 'json' })
  dnsRecords!: DnsRecord[];

  @Field(() => Date, { nullable: true, description: 'When the records were last checked.' })
  @Property({ type: 'timestamptz', nullable: true })
  lastCheckedAt: Date | null = null;

  @Field(() => Date, { nullable: true, description: 'When the domain first became VERIFIED.' })
  @Property({ type: 'timestamptz', nullable: true })
  verifiedAt: Date | null = null;

  @Field(() => Boolean, {
    description: 'The sandbox domain (`sandbox.<MAILROOM_MAIL_DOMAIN>`): verified by construction, it sends only with DELIVERY_MODE=sandbox, where messages are stored and never leave the server.',
  })
  @Property({ type: 'boolean', default: false })
  sandbox: boolean = false;

  @Field(() => Date, { description: 'Automatic re-checks of a pending domain run until this time.' })
  @Property({ type: 'timestamptz' })
  recheckUntil!: Date;

  get gid(): string {
    return toGlobalId('Domain', this.id);
  }

  /**
   * Stores a check's per-record results and derives the domain status; returns true when the status
   * changed. `claimable` false (another domain of the account already verified this name) keeps it
   * from becoming VERIFIED: the first proof of ownership wins.
   */
  applyCheck(records: DnsRecord[], now: Date, claimable = true): boolean {
    // The sandbox domain is verified by construction: no public DNS to check.
    if (this.sandbox) return false;
    const before = this.status;
    this.dnsRecords = records;
    this.lastCheckedAt = now;
    const ok = records.filter((r) => r.required).every((r) => r.status === DnsRecordStatus.VERIFIED);
    if (ok && (claimable || this.status === DomainStatus.VERIFIED)) {
      this.status = DomainStatus.VERIFIED;
      this.verifiedAt ??= now;
    } else {
      this.status = now.getTime() >= this.recheckUntil.getTime() ? DomainStatus.FAILED : DomainStatus.PENDING;
    }
    return before !== this.status;
  }

  /**
   * Sets the DMARC record to expect (a monitor's, or null for the default) and replaces the DMARC entry of
   * the stored records with `checked` (its lookup just done) or, when not given, a PENDING one.
   */
  setDmarcRecord(value: string | null, checked: DnsRecord | null, expected: DnsRecord): void {
    this.dmarcRecord = value;
    this.dnsRecords = [...this.dnsRecords.filter((r) => r.kind !== DnsRecordKind.DMARC), checked ?? expected];
  }

  /** Opens a fresh automatic re-check window (a manual verify of a failed domain). */
  extendRecheckWindow(until: Date): void {
    if (until > this.recheckUntil) this.recheckUntil = until;
  }
}

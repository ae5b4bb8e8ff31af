import { Entity, Enum, Filter, Index, ManyToOne, Property, type Ref, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../db/base.entity';
import { ownedRows, scopeFilter } from '../../db/scope-filter';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { Account } from '../accounts/account.entity';
import { Domain } from '../domains/domain.entity';
import type { DnsRecord } from '../domains/domain.types';
import { DnsRecordStatus } from '../domains/domain.types';
import { Tenant } from '../tenants/tenant.entity';
import { DmarcPolicy, policyTag } from './dmarc.enums';

/** The local part prefix of rua addresses: `dmarc-<token>@inbound.<mail domain>`. */
export const RUA_PREFIX = 'dmarc-';

/**
 * DMARC monitoring of one sending domain (at most one per domain): the policy its owner wants, the
 * per-monitor report address (an unguessable token in the local part) and the last check of the
 * published record. Scoped like its domain (the tenant is copied from it).
 */
@Entity({ tableName: 'dmarc_monitors' })
@Unique({ name: 'dmarc_monitors_domain_id_unique', properties: ['domain'] })
@Unique({ name: 'dmarc_monitors_rua_token_unique', properties: ['ruaToken'] })
@Index({ name: 'dmarc_monitors_account_id_id_index', properties: ['account', 'id'] })
@Filter(scopeFilter((s) => ownedRows(s, { domain: 'domain', tenant: 'tenant' }, false)))
@ObjectType({ implements: Node, description: 'DMARC monitoring of a sending domain: its report address, its record, the reports received.' })
export class DmarcMonitor extends BaseEntity implements Node {
  get nodeType(): string {
    return 'DmarcMonitor';
  }

  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  /** Copied from the domain, for the row scope. */
  @ManyToOne(() => Tenant, { ref: true, nullable: true, deleteRule: 'cascade' })
  tenant: Ref<Tenant> | null = null;

  @ManyToOne(() => Domain, { ref: true, deleteRule: 'cascade' })
  domain!: Ref<Domain>;

  @Field(() => DmarcPolicy, { description: 'The policy the domain should publish (the `p=` of wantedRecord).' })
  @Enum({ items: () => DmarcPolicy, type: 'text' })
  wantedPolicy: DmarcPolicy = DmarcPolicy.NONE;

  /** The secret part of the rua address (lower-case base32): whoever knows it can file reports here. */
  @Property({ type: 'text' })
  ruaToken!: string;

  @Field(() => String, { nullable: true, description: 'The DMARC record found at `_dmarc.<domain>` in the last check; null when none.' })
  @Property({ type: 'text', nullable: true })
  currentRecord: string | null = null;

  @Field(() => Boolean, { description: 'Whether the record found is the wanted one: one DMARC record, the wanted policy, the report address in its rua.' })
  @Property({ type: 'boolean' })
  recordValid: boolean = false;

  @Field(() => String, { nullable: true, description: 'What is wrong with the record found, in words; null when valid.' })
  @Property({ type: 'text', nullable: true })
  recordNote: string | null = null;

  @Field(() => Date, { nullable: true, description: 'When the record was last checked.' })
  @Property({ type: 'timestamptz', nullable: true })
  lastCheckedAt: Date | null = null;

  get gid(): string {
    return toGlobalId('DmarcMonitor', this.id);
  }

  /** The address reports are sent to, on the platform's inbound host. */
  ruaAddress(mailDomain: string): string {
    return `${RUA_PREFIX}${this.ruaToken}@inbound.${mailDomain}`;
  }

  /** The record to publish: the wanted policy and this monitor's report address. */
  wantedRecord(mailDomain: string): string {
    return `v=DMARC1; p=${policyTag(this.wantedPolicy)}; rua=mailto:${this.ruaAddress(mailDomain)}`;
  }

  /** Stores the outcome of checking the published record. */
  applyCheck(checked: DnsRecord, now: Date): void {
    this.recordNote = checked.status === DnsRecordStatus.VERIFIED ? null : checked.note;
    // A lookup that failed says nothing about the record: the last answer stands.
    if (checked.status === DnsRecordStatus.PENDING) return;
    this.currentRecord = checked.found[0] ?? null;
    this.recordValid = checked.status === DnsRecordStatus.VERIFIED;
    this.lastCheckedAt = now;
  }
}

import { Index, Entity, Enum, Filter, ManyToOne, Property, type Ref, Unique } from '@mikro-orm/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../db/base.entity';
import { ownedRows, scopeFilter } from '../../db/scope-filter';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { Account } from '../accounts/account.entity';
import { Domain } from '../domains/domain.entity';
import { Tenant } from '../tenants/tenant.entity';

/** Confirmation state of a sender identity. */
export enum SenderIdentityStatus {
  PENDING = 'PENDING',
  CONFIRMED = 'CONFIRMED',
}
registerEnumType(SenderIdentityStatus, {
  name: 'SenderIdentityStatus',
  description: 'PENDING until the address owner follows the confirmation link.',
  valuesConfig: { PENDING: { description: 'Waiting for the address owner to follow the confirmation link.' }, CONFIRMED: { description: 'Confirmed: the address can send.' } },
});

/** A client's address confirmed to send through one of the agency's domains. */
@Entity({ tableName: 'sender_identities' })
@Index({ properties: ['tenant'] })
@Index({ properties: ['domain'] })
// Unique per client, not per account: a conflict must not tell one client that another uses an address.
@Unique({ properties: ['tenant', 'email'] })
@Filter(scopeFilter((s) => ownedRows(s, { id: 'identity', tenant: 'tenant', domain: 'domain' }, false)))
@ObjectType({ implements: Node, description: "A client's e-mail address that sends through one of the agency's domains." })
export class SenderIdentity extends BaseEntity implements Node {
  get nodeType(): string {
    return 'SenderIdentity';
  }

  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @ManyToOne(() => Tenant, { ref: true, deleteRule: 'cascade' })
  tenant!: Ref<Tenant>;

  @ManyToOne(() => Domain, { ref: true, deleteRule: 'cascade' })
  domain!: Ref<Domain>;

  @Field(() => String, { description: 'The address mail is sent from (lower case, punycode domain).' })
  @Property({ type: 'text' })
  email!: string;

  @Field(() => String, { nullable: true, description: 'Display name.' })
  @Property({ type: 'text', nullable: true })
  name: string | null = null;

  @Field(() => String, { nullable: true, description: 'Reply-To address.' })
  @Property({ type: 'text', nullable: true })
  replyToEmail: string | null = null;

  @Field(() => String, { nullable: true, description: 'Reply-To display name.' })
  @Property({ type: 'text', nullable: true })
  replyToName: string | null = null;

  @Field(() => String, { nullable: true, description: 'A note included in the confirmation e-mail.' })
  @Property({ type: 'text', nullable: true })
  personalNote: string | null = null;

  @Field(() => SenderIdentityStatus, { description: 'Confirmation status.' })
  @Enum({ items: () => SenderIdentityStatus, type: 'text' })
  status: SenderIdentityStatus = SenderIdentityStatus.PENDING;

  @Field(() => Date, { nullable: true, description: 'When the owner confirmed the address.' })
  @Property({ type: 'timestamptz', nullable: true })
  confirmedAt: Date | null = null;

  @Property({ type: 'text', nullable: true, hidden: true, lazy: true })
  confirmationTokenHash: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  confirmationExpiresAt: Date | null = null;

  @Field(() => Date, { nullable: true, description: 'When the last confirmation e-mail was sent.' })
  @Property({ type: 'timestamptz', nullable: true })
  confirmationSentAt: Date | null = null;

  /** The `p=` of the address domain's DMARC record at creation, if any. */
  @Field(() => String, { nullable: true, description: "The DMARC policy (`p=`) the address's own domain published when last checked." })
  @Property({ type: 'text', nullable: true })
  dmarcPolicy: string | null = null;

  get gid(): string {
    return toGlobalId('SenderIdentity', this.id);
  }

  /** Starts a new confirmation: stores the token hash and when it expires. */
  issueConfirmation(tokenHash: string, now: Date, ttlMs: number): void {
    this.confirmationTokenHash = tokenHash;
    this.confirmationSentAt = now;
    this.confirmationExpiresAt = new Date(now.getTime() + ttlMs);
  }

  /** Marks the identity confirmed and spends the token. */
  confirm(now: Date): void {
    this.status = SenderIdentityStatus.CONFIRMED;
    this.confirmedAt = now;
    this.confirmationTokenHash = null;
    this.confirmationExpiresAt = null;
  }
}

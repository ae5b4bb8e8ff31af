import { Index, Entity, Enum, Filter, ManyToOne, Property, type Ref } from '@mikro-orm/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../db/base.entity';
import { accountRows, scopeFilter } from '../../db/scope-filter';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { Account } from '../accounts/account.entity';

/** Why the platform sent a system e-mail. */
export enum SystemEmailKind {
  SENDER_CONFIRMATION = 'SENDER_CONFIRMATION',
  MEMBER_INVITATION = 'MEMBER_INVITATION',
  WEBHOOK_DISABLED = 'WEBHOOK_DISABLED',
  ANALYTICS_REPORT = 'ANALYTICS_REPORT',
  BLOCKLIST_ALERT = 'BLOCKLIST_ALERT',
}
registerEnumType(SystemEmailKind, {
  name: 'SystemEmailKind',
  description: 'The purpose of a system e-mail.',
  valuesConfig: {
    SENDER_CONFIRMATION: { description: 'The confirmation link of a new sender identity.' },
    MEMBER_INVITATION: { description: 'An invitation to join the account.' },
    WEBHOOK_DISABLED: { description: 'A webhook was disabled after failing too long.' },
    BLOCKLIST_ALERT: { description: 'A monitored address was listed on, or delisted from, a blocklist.' },
    ANALYTICS_REPORT: { description: 'A scheduled analytics report.' },
  },
});

/** A system e-mail (confirmation, invitation): its metadata and the body as sent, with the link's secret redacted. */
@Entity({ tableName: 'system_emails' })
@Index({ properties: ['account'] })
// System e-mails name the account's clients' addresses: only account-wide principals see them. The
// links' secrets are never stored (see sendSystemEmail), so not even they can follow one.
@Filter(scopeFilter((s) => accountRows(s)))
@ObjectType({ implements: Node, description: 'A system e-mail the platform sent (sender confirmations, member invitations).' })
export class SystemEmail extends BaseEntity implements Node {
  get nodeType(): string {
    return 'SystemEmail';
  }

  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @Field(() => SystemEmailKind, { description: 'Why it was sent.' })
  @Enum({ items: () => SystemEmailKind, type: 'text' })
  kind!: SystemEmailKind;

  @Property({ type: 'uuid', nullable: true })
  tenantId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  senderIdentityId: string | null = null;

  @Field(() => String, { description: 'Recipient address.' })
  @Property({ type: 'text' })
  toEmail!: string;

  @Field(() => String, { description: 'Subject.' })
  @Property({ type: 'text' })
  subject!: string;

  @Field(() => String, { description: 'Plain-text body, with the secret of its link replaced by `[redacted]`: only the recipient receives a working link.' })
  @Property({ type: 'text' })
  text!: string;

  @Field(() => String, { description: 'The MIME message as sent, with the secret of its link replaced by `[redacted]`.' })
  @Property({ type: 'text' })
  raw!: string;

  @Field(() => String, { description: 'The Message-ID header.' })
  @Property({ type: 'text' })
  messageId!: string;

  get gid(): string {
    return toGlobalId('SystemEmail', this.id);
  }
}

import { Check, Entity, Filter, Index, ManyToOne, Property, type Ref } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { Permission } from '../../auth/permissions';
import { BaseEntity } from '../../db/base.entity';
import { inIds, ownedRows, scopeFilter } from '../../db/scope-filter';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { Account } from '../accounts/account.entity';
import { Domain } from '../domains/domain.entity';
import { SenderIdentity } from '../identities/sender-identity.entity';

/** What an SMTP credential may do: send, nothing else. */
export const SMTP_USER_PERMISSIONS: readonly Permission[] = [Permission.EMAIL_SEND];

/**
 * A credential for the SMTP submission server, limited to one domain or one sender identity. Only the
 * SHA-256 of its generated password is stored (the password is random and long, like an API token secret).
 */
@Entity({ tableName: 'smtp_users' })
// Exactly one target: a domain or a sender identity.
@Check({ name: 'smtp_users_one_target', expression: '("domain_id" is null) <> ("sender_identity_id" is null)' })
@Index({ properties: ['account'] })
@Index({ properties: ['domain'] })
@Index({ properties: ['senderIdentity'] })
// Like API tokens: a domain-scoped principal also sees the SMTP users of the sender identities on its domains.
@Filter(scopeFilter((s) => ownedRows(s, { domain: 'domain', senderIdentity: 'identity' }, false, [{ senderIdentity: { domain: inIds(s.domainIds) } }])))
@ObjectType({ implements: Node, description: 'An SMTP credential: submits mail over SMTP as one domain or one sender identity.' })
export class SmtpUser extends BaseEntity implements Node {
  get nodeType(): string {
    return 'SmtpUser';
  }

  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @Field(() => String, { description: 'Name to recognise the credential by.' })
  @Property({ type: 'text' })
  name!: string;

  @Field(() => String, { description: 'The SMTP AUTH user name (generated, unique).' })
  @Property({ type: 'text', unique: true })
  username!: string;

  @Property({ type: 'text', hidden: true, lazy: true })
  passwordHash!: string;

  @Field(() => Boolean, { description: 'Whether the credential may authenticate; a disabled one is refused with 535.' })
  @Property({ type: 'boolean' })
  enabled: boolean = true;

  @ManyToOne(() => Domain, { ref: true, nullable: true, deleteRule: 'cascade' })
  domain: Ref<Domain> | null = null;

  @ManyToOne(() => SenderIdentity, { ref: true, nullable: true, deleteRule: 'cascade' })
  senderIdentity: Ref<SenderIdentity> | null = null;

  @Field(() => Date, { nullable: true, description: 'When the credential last authenticated an SMTP session.' })
  @Property({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null = null;

  get gid(): string {
    return toGlobalId('SmtpUser', this.id);
  }

  /** Enables or disables the credential. */
  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
  }
}

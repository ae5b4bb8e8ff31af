import { Index, ArrayType, Entity, Filter, ManyToOne, Property, type Ref } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../db/base.entity';
import { inIds, ownedRows, scopeFilter } from '../../db/scope-filter';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { Account } from '../accounts/account.entity';
import { Domain } from '../domains/domain.entity';
import { Tenant } from '../tenants/tenant.entity';
import type { StoredAttachmentRef } from '../attachments/attachment-parse';

/** An e-mail template scoped to one domain. */
@Entity({ tableName: 'templates' })
@Index({ properties: ['account'] })
@Index({ properties: ['domain'] })
@Index({ properties: ['tenant'] })
@Filter(
  // An allow-list only narrows: it is ANDed with the domain limit, never put in its place.
  scopeFilter((s) => {
    const domains = ownedRows(s, { domain: 'domain', tenant: 'tenant' }, false);
    const allowed = s.templateIds ? { id: inIds(s.templateIds) } : null;
    return domains && allowed ? { $and: [domains, allowed] } : (domains ?? allowed);
  }),
)
@ObjectType({ implements: Node, description: 'An e-mail template (Liquid syntax) scoped to one domain.' })
export class Template extends BaseEntity implements Node {
  get nodeType(): string {
    return 'Template';
  }

  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @ManyToOne(() => Domain, { ref: true, deleteRule: 'cascade' })
  domain!: Ref<Domain>;

  /** The domain's tenant, kept here so the scope filter needs no join. */
  @ManyToOne(() => Tenant, { ref: true, nullable: true, deleteRule: 'cascade' })
  tenant!: Ref<Tenant> | null;

  @Field(() => String, { description: 'Name shown in lists.' })
  @Property({ type: 'text' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Free-text description.' })
  @Property({ type: 'text', nullable: true })
  description: string | null = null;

  @Field(() => [String], { description: 'Categories for grouping.' })
  @Property({ type: ArrayType, columnType: 'text[]' })
  categories: string[] = [];

  @Field(() => [String], { description: 'Tags applied to mail sent with this template.' })
  @Property({ type: ArrayType, columnType: 'text[]' })
  tags: string[] = [];

  @Field(() => String, { description: 'Subject (Liquid).' })
  @Property({ type: 'text' })
  subject!: string;

  @Field(() => String, { nullable: true, description: 'Default From address.' })
  @Property({ type: 'text', nullable: true })
  fromEmail: string | null = null;

  @Field(() => String, { nullable: true, description: 'Default From name.' })
  @Property({ type: 'text', nullable: true })
  fromName: string | null = null;

  @Field(() => String, { nullable: true, description: 'Default Reply-To address.' })
  @Property({ type: 'text', nullable: true })
  replyToEmail: string | null = null;

  @Field(() => String, { nullable: true, description: 'Default Reply-To name.' })
  @Property({ type: 'text', nullable: true })
  replyToName: string | null = null;

  @Field(() => String, { nullable: true, description: 'HTML body (Liquid).' })
  @Property({ type: 'text', nullable: true })
  html: string | null = null;

  @Field(() => String, { nullable: true, description: 'Plain-text body (Liquid).' })
  @Property({ type: 'text', nullable: true })
  text: string | null = null;

  @Field(() => [String], { description: 'Variables the subject and bodies use, e.g. `user.name`.' })
  @Property({ type: ArrayType, columnType: 'text[]' })
  variables: string[] = [];

  /** Default attachments, stored by hash (their bytes in attachment_blobs): a send that gives none gets these. */
  @Property({ type: 'json' })
  attachments: StoredAttachmentRef[] = [];

  get gid(): string {
    return toGlobalId('Template', this.id);
  }
}

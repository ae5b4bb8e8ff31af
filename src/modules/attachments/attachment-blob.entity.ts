import { Entity, Filter, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { accountRows, scopeFilter } from '../../db/scope-filter';
import { Account } from '../accounts/account.entity';

/**
 * The bytes of an attachment, stored once per account and content (keyed by SHA-256): a bulk send of
 * one file to 500 recipients stores it once. Content only — who may read it is decided by the message
 * attachments that point to it; never listed, never read through the ORM by request code.
 */
@Entity({ tableName: 'attachment_blobs' })
@Filter(scopeFilter((s) => accountRows(s)))
export class AttachmentBlob {
  [OptionalProps]?: 'createdAt' | 'lastUsedAt';

  @ManyToOne(() => Account, { ref: true, primary: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  /** Lower-case hex SHA-256 of the bytes. */
  @PrimaryKey({ type: 'text' })
  sha256!: string;

  @Property({ type: 'integer' })
  size!: number;

  @Property({ type: 'blob', lazy: true, hidden: true })
  bytes!: Buffer;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  /** Last time a message or a bulk request took it: unreferenced blobs are removed a day after it. */
  @Property({ type: 'timestamptz' })
  lastUsedAt: Date = new Date();
}

import { Entity, Property } from '@mikro-orm/core';
import { BaseEntity } from '../../db/base.entity';

/** A person who can log in. Not account-owned: reached only through memberships. */
@Entity({ tableName: 'users' })
export class User extends BaseEntity {
  @Property({ type: 'text', unique: true })
  email!: string;

  @Property({ type: 'text', nullable: true })
  name: string | null = null;

  @Property({ type: 'text', nullable: true, hidden: true, lazy: true })
  passwordHash: string | null = null;

  /** Sets the scrypt hash of a new password (see `hashPassword`). */
  setPasswordHash(hash: string): void {
    this.passwordHash = hash;
  }

  /** Renames the user. */
  rename(name: string): void {
    this.name = name;
  }
}

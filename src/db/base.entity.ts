import { OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { uuidv7 } from '../lib/ids';

/** Common columns: a time-ordered uuid and timestamps. */

@ObjectType('Entity', { description: 'Common fields of stored objects.' })
export abstract class BaseEntity {
  /** Columns with defaults and computed getters need not be passed to `em.create` (services validate inputs). */
  [OptionalProps]?: string;

  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @Field(() => Date, { description: 'When it was created.' })
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field(() => Date, { description: 'When it last changed.' })
  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

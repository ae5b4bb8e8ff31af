import { Field, ObjectType } from 'type-graphql';

/** What exportActivity returns. */
@ObjectType({ description: 'A signed, expiring download link.' })
export class ExportActivityPayload {
  @Field(() => String, { description: 'GET it for the file (streamed from the database; it shows what you may read when you follow it).' })
  url!: string;

  @Field(() => Date, { description: 'When the link stops working.' })
  expiresAt!: Date;
}

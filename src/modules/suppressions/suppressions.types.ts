import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Connection } from '../../graphql/pagination';
import { Suppression } from './suppression.entity';
import { SuppressionImport } from './suppression-import.entity';
import { SuppressionChangeKind, SuppressionList } from './suppression.enums';

/** A page of suppression entries. */
export const SuppressionConnection = Connection(Suppression, 'Suppression');

/** Where an EVENT entry came from. */
@ObjectType({ description: 'The event an entry came from.' })
export class SuppressionOrigin {
  @Field(() => ID, { nullable: true, description: 'Global id of the event (an ActivityEvent: load it with node(id)).' })
  eventId!: string | null;

  @Field(() => ID, { nullable: true, description: 'Global id of the message the event belongs to.' })
  messageId!: string | null;

  @Field(() => String, { nullable: true, description: 'The SMTP reply, DSN diagnostic or report detail.' })
  diagnostic!: string | null;
}

/** Payload of addSuppressions. */
@ObjectType({ description: 'The entries, new and already there.' })
export class AddSuppressionsPayload {
  @Field(() => [Suppression], { description: 'The entries for the addresses and patterns given.' })
  suppressions!: Suppression[];
}

/** Payload of removeSuppressions. */
@ObjectType({ description: 'How many entries were removed.' })
export class RemoveSuppressionsPayload {
  @Field(() => Int, { description: 'Entries removed (only entries in your scope are ever touched).' })
  removedCount!: number;
}

/** Payload of importSuppressions. */
@ObjectType({ description: 'The import, queued.' })
export class ImportSuppressionsPayload {
  @Field(() => SuppressionImport, { description: 'The import and its progress (poll with suppressionImport).' })
  import!: SuppressionImport;
}

/** Payload of exportSuppressions. */
@ObjectType({ description: 'A signed, expiring download link.' })
export class ExportSuppressionsPayload {
  @Field(() => String, { description: 'GET it for the CSV (streamed; it shows what you may read).' })
  url!: string;

  @Field(() => Date, { description: 'When the link stops working.' })
  expiresAt!: Date;
}

/** What is known of one recipient in the caller's scope. */
@ObjectType({ description: 'One recipient: its suppression entries in your scope (and its last events, with ACTIVITY_READ).' })
export class RecipientInfo {
  @Field(() => String, { description: 'The address, normalised.' })
  email!: string;

  /** The domain asked about (uuid), if any. */
  domainId!: string | null;

  /** The domain's global id as given. */
  domainGid!: string | null;

  @Field(() => Boolean, { description: 'Whether an entry in your scope stops mail to it (expired holds do not).' })
  suppressed!: boolean;

  @Field(() => [Suppression], { description: 'Its entries: addresses and matching blocklist patterns.' })
  suppressions!: Suppression[];
}

/** One change of the suppressionChanged subscription. */
@ObjectType({ description: 'An entry added or removed.' })
export class SuppressionChange {
  @Field(() => SuppressionChangeKind, { description: 'ADDED or REMOVED.' })
  kind!: SuppressionChangeKind;

  @Field(() => ID, { description: 'Global id of the entry.' })
  suppressionId!: string;

  @Field(() => SuppressionList, { description: 'Its list.' })
  list!: SuppressionList;

  @Field(() => ID, { nullable: true, description: 'Global id of its domain; null for the account-wide blocklist.' })
  domainId!: string | null;

  @Field(() => Suppression, { nullable: true, description: 'The entry when added; null when removed.' })
  suppression!: Suppression | null;
}

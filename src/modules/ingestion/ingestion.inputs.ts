import { ArrayMaxSize, ArrayMinSize, IsOptional, Length, Matches, ValidateNested } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { DeliveryEventType } from './ingestion.types';

/** One reported event. */
@InputType({ description: 'One event an outside MTA reports for a message.' })
export class DeliveryEventInput {
  @Field(() => String, { description: 'The reporter’s own id of the event (1–200 printable characters); an id already recorded for the same message is skipped, so retries are safe.' })
  @Length(1, 200)
  @Matches(/^[\x21-\x7e]+$/, { message: 'eventId must be printable ASCII without spaces' })
  eventId!: string;

  @Field(() => ID, { description: 'The message (its global id, as sendEmail returned it).' })
  messageId!: string;

  @Field(() => DeliveryEventType, { description: 'What happened.' })
  type!: DeliveryEventType;

  @Field(() => Date, { description: 'When it happened: at most 30 days ago and not more than 15 minutes ahead.' })
  occurredAt!: Date;

  @Field(() => String, { nullable: true, description: 'The SMTP reply, e.g. `250 2.0.0 OK` or `550 5.1.1 User unknown` (up to 1,000 characters).' })
  @IsOptional()
  @Length(1, 1000)
  smtpResponse?: string | null;

  @Field(() => Object, { nullable: true, description: 'Further details to keep with the event (a JSON object of up to 2 KB).' })
  @IsOptional()
  data?: Record<string, unknown> | null;
}

/** Input of recordDeliveryEvents. */
@InputType({ description: 'Events an outside MTA reports for messages it relayed.' })
export class RecordDeliveryEventsInput {
  @Field(() => [DeliveryEventInput], { description: 'From 1 to 1,000 events.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  events!: DeliveryEventInput[];
}

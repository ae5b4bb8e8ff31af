import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { RecordDeliveryEventsInput } from './ingestion.inputs';
import { recordDeliveryEvents } from './ingestion.service';
import { RecordDeliveryEventsPayload } from './ingestion.types';

/** The ingestion mutation: events reported by outside MTAs. */
@Resolver()
export class IngestionResolver {
  @Mutation(() => RecordDeliveryEventsPayload, {
    description:
      'Records events an outside MTA reports for messages it relayed (1–1,000 per call). Needs EMAIL_SEND; every message must be in your scope, else nothing is recorded. Idempotent by eventId: an id recorded before counts as a duplicate.',
  })
  async recordDeliveryEvents(
    @Arg('input', () => RecordDeliveryEventsInput, { description: 'The events.' }) input: RecordDeliveryEventsInput,
    @Ctx() ctx: Context,
  ): Promise<RecordDeliveryEventsPayload> {
    return recordDeliveryEvents(ctx, input);
  }
}

import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { createActivityExport } from './activity-export';
import { ExportActivityInput } from './exports.inputs';
import { ExportActivityPayload } from './exports.types';

/** exportActivity: a signed link to a streamed file of events. */
@Resolver()
export class ExportsResolver {
  @Mutation(() => ExportActivityPayload, {
    description: 'A signed link, valid for an hour, to a CSV or JSON file of the events you may read that match the filter (event fields and message metadata, never content). Needs ACTIVITY_READ.',
  })
  exportActivity(@Arg('input', () => ExportActivityInput) input: ExportActivityInput, @Ctx() ctx: Context): ExportActivityPayload {
    return createActivityExport(ctx, input);
  }
}

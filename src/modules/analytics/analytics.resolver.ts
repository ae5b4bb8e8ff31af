import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { Analytics } from './analytics';
import { createAnalyticsExport } from './analytics-export';
import { ExportAnalyticsInput, ExportAnalyticsPayload } from './analytics-export.types';
import { AnalyticsFilterInput, AnalyticsInterval, resolveFilterIds } from './analytics.inputs';
import { analyticsByOwner, analyticsByTag, analyticsReaders, analyticsSeries, analyticsTotals, buildAnalytics } from './analytics.service';
import { AnalyticsCounts, AnalyticsEngagement, AnalyticsIdCounts, AnalyticsPoint, AnalyticsShare, AnalyticsTagCounts } from './analytics.types';

const ENGAGEMENT_ARG = { nullable: true, defaultValue: AnalyticsEngagement.OPENS, description: 'Which opens or clicks to count (default every open).' };

/** The `analytics` query and the fields of Analytics. */
@Resolver(() => Analytics)
export class AnalyticsResolver {
  @Query(() => Analytics, { description: 'Counts, series and breakdowns of the mail in your scope matching the filter, from hourly rollups. Needs ANALYTICS_READ.' })
  analytics(
    @Arg('filter', () => AnalyticsFilterInput, { description: 'Range (at most 366 days) and conditions.' }) filter: AnalyticsFilterInput,
    @Arg('groupBy', () => AnalyticsInterval, { nullable: true, defaultValue: AnalyticsInterval.DAY, description: 'Series bucket.' }) groupBy: AnalyticsInterval,
    @Arg('timezone', () => String, { nullable: true, defaultValue: 'UTC', description: 'IANA timezone of the series boundaries (e.g. Europe/Berlin).' }) timezone: string,
    @Ctx() ctx: Context,
  ): Promise<Analytics> {
    return buildAnalytics(ctx, { from: filter.from, to: filter.to, ids: resolveFilterIds(filter), interval: groupBy ?? AnalyticsInterval.DAY, timezone });
  }

  @Mutation(() => ExportAnalyticsPayload, {
    description: 'A signed link, valid for an hour, to the series of a saved report or a filter as CSV (header row, timezone stated) or JSON, streamed. Needs ANALYTICS_READ.',
  })
  exportAnalytics(@Arg('input', () => ExportAnalyticsInput) input: ExportAnalyticsInput, @Ctx() ctx: Context): Promise<ExportAnalyticsPayload> {
    return createAnalyticsExport(ctx, input);
  }

  @FieldResolver(() => AnalyticsCounts, { description: 'Counts over the whole range.' })
  totals(@Root() a: Analytics, @Ctx() ctx: Context): Promise<AnalyticsCounts> {
    return analyticsTotals(ctx, a);
  }

  @FieldResolver(() => [AnalyticsPoint], { description: 'One point per interval of the range, zeros included.' })
  series(@Root() a: Analytics, @Ctx() ctx: Context): Promise<AnalyticsPoint[]> {
    return analyticsSeries(ctx, a);
  }

  @FieldResolver(() => [AnalyticsShare], { description: 'Opens or clicks by the reader’s country (from the IP address), largest first.' })
  byCountry(@Root() a: Analytics, @Arg('of', () => AnalyticsEngagement, ENGAGEMENT_ARG) of: AnalyticsEngagement, @Ctx() ctx: Context): Promise<AnalyticsShare[]> {
    return analyticsReaders(ctx, a, 'COUNTRY', of ?? AnalyticsEngagement.OPENS);
  }

  @FieldResolver(() => [AnalyticsShare], { description: 'Opens or clicks by mail client (user-agent family: Gmail, Apple Mail, Outlook …), largest first.' })
  byClient(@Root() a: Analytics, @Arg('of', () => AnalyticsEngagement, ENGAGEMENT_ARG) of: AnalyticsEngagement, @Ctx() ctx: Context): Promise<AnalyticsShare[]> {
    return analyticsReaders(ctx, a, 'CLIENT', of ?? AnalyticsEngagement.OPENS);
  }

  @FieldResolver(() => [AnalyticsShare], { description: 'Opens or clicks by reading environment: WEBMAIL, DESKTOP, MOBILE or OTHER.' })
  byReadingEnvironment(@Root() a: Analytics, @Arg('of', () => AnalyticsEngagement, ENGAGEMENT_ARG) of: AnalyticsEngagement, @Ctx() ctx: Context): Promise<AnalyticsShare[]> {
    return analyticsReaders(ctx, a, 'ENVIRONMENT', of ?? AnalyticsEngagement.OPENS);
  }

  @FieldResolver(() => [AnalyticsTagCounts], { description: 'Counts per tag, most sent first (a message with several tags counts under each).' })
  byTag(@Root() a: Analytics, @Ctx() ctx: Context): Promise<AnalyticsTagCounts[]> {
    return analyticsByTag(ctx, a);
  }

  @FieldResolver(() => [AnalyticsIdCounts], { description: 'Counts per sending domain, most sent first.' })
  byDomain(@Root() a: Analytics, @Ctx() ctx: Context): Promise<AnalyticsIdCounts[]> {
    return analyticsByOwner(ctx, a, 'domain');
  }

  @FieldResolver(() => [AnalyticsIdCounts], { description: 'Counts per tenant, most sent first: every client at a glance (null id: the agency’s own mail).' })
  byTenant(@Root() a: Analytics, @Ctx() ctx: Context): Promise<AnalyticsIdCounts[]> {
    return analyticsByOwner(ctx, a, 'tenant');
  }

  @FieldResolver(() => [AnalyticsIdCounts], { description: 'Counts per sender identity, most sent first (null id: mail sent without one).' })
  bySenderIdentity(@Root() a: Analytics, @Ctx() ctx: Context): Promise<AnalyticsIdCounts[]> {
    return analyticsByOwner(ctx, a, 'identity');
  }

  @FieldResolver(() => [AnalyticsIdCounts], { description: 'Counts per template, most sent first (null id: mail sent without one).' })
  byTemplate(@Root() a: Analytics, @Ctx() ctx: Context): Promise<AnalyticsIdCounts[]> {
    return analyticsByOwner(ctx, a, 'template');
  }
}

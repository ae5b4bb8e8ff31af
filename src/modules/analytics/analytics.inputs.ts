import { ArrayMaxSize, IsOptional } from 'class-validator';
import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { badInput } from '../../graphql/errors';
import { fromGlobalId } from '../../graphql/global-id';
import type { Interval, RollupQuery } from './analytics.queries';

/** Series buckets: an hour, or a local day, ISO week (Monday), month or year of the requested timezone. */
export enum AnalyticsInterval {
  HOUR = 'HOUR',
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
  YEAR = 'YEAR',
}
registerEnumType(AnalyticsInterval, {
  name: 'AnalyticsInterval',
  description: 'How a series is bucketed (DAY, WEEK, MONTH, YEAR in the requested timezone; WEEK starts on Monday).',
  valuesConfig: {
    HOUR: { description: 'One bucket per hour (at most 31 days).' },
    DAY: { description: 'One bucket per day of the requested timezone.' },
    WEEK: { description: 'One bucket per week, starting on Monday in the requested timezone.' },
    MONTH: { description: 'One bucket per calendar month of the requested timezone.' },
    YEAR: { description: 'One bucket per calendar year of the requested timezone.' },
  },
});

/** Limits of the analytics API. */
export const ANALYTICS_LIMITS = { maxDays: 366, maxHourDays: 31, ids: 100, tags: 50, tagLength: 200, timezoneLength: 64 };

/** Which mail analytics counts. Every condition narrows; your scope always applies first. */
@InputType({ description: 'Which mail to count: a time range and optional owners, templates and tags. Your scope always applies first.' })
export class AnalyticsFilterInput {
  @Field(() => Date, { description: 'Start of the range (inclusive), taken down to a whole UTC hour.' })
  from!: Date;

  @Field(() => Date, { description: `End of the range (exclusive), at most ${ANALYTICS_LIMITS.maxDays} days after from; an event counts when its UTC hour starts before it.` })
  to!: Date;

  @Field(() => [ID], { nullable: true, description: 'Only mail of these tenants.' })
  @IsOptional()
  @ArrayMaxSize(ANALYTICS_LIMITS.ids)
  tenantIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only mail sent through these domains.' })
  @IsOptional()
  @ArrayMaxSize(ANALYTICS_LIMITS.ids)
  domainIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only mail of these sender identities.' })
  @IsOptional()
  @ArrayMaxSize(ANALYTICS_LIMITS.ids)
  senderIdentityIds?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Only mail with one of these tags. A message carrying several of them counts once under each.' })
  @IsOptional()
  @ArrayMaxSize(ANALYTICS_LIMITS.tags)
  tags?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only mail rendered from these templates.' })
  @IsOptional()
  @ArrayMaxSize(ANALYTICS_LIMITS.ids)
  templateIds?: string[] | null;
}

/** The filter's owner, template and tag conditions, decoded (null: no condition). */
export type FilterIds = Pick<RollupQuery, 'tenantIds' | 'domainIds' | 'identityIds' | 'templateIds' | 'tags'>;

function ids(list: string[] | null | undefined, type: string, field: string): string[] | null {
  if (!list?.length) return null;
  if (list.length > ANALYTICS_LIMITS.ids) throw badInput(field, `${field} takes at most ${ANALYTICS_LIMITS.ids} ids`);
  return [...new Set(list.map((g) => fromGlobalId(g, type, field)))];
}

/** Decodes a filter's ids and tags; BAD_USER_INPUT names the field (`filter.tenantIds` …). Pure. */
export function resolveFilterIds(f: Partial<Record<'tenantIds' | 'domainIds' | 'senderIdentityIds' | 'templateIds' | 'tags', string[] | null>>, prefix = 'filter'): FilterIds {
  const tags = f.tags?.length ? [...new Set(f.tags)] : null;
  if (tags && tags.length > ANALYTICS_LIMITS.tags) throw badInput(`${prefix}.tags`, `${prefix}.tags takes at most ${ANALYTICS_LIMITS.tags} tags`);
  if (tags?.some((t) => typeof t !== 'string' || t.length > ANALYTICS_LIMITS.tagLength)) throw badInput(`${prefix}.tags`, `a tag is at most ${ANALYTICS_LIMITS.tagLength} characters`);
  return {
    tenantIds: ids(f.tenantIds, 'Tenant', `${prefix}.tenantIds`),
    domainIds: ids(f.domainIds, 'Domain', `${prefix}.domainIds`),
    identityIds: ids(f.senderIdentityIds, 'SenderIdentity', `${prefix}.senderIdentityIds`),
    templateIds: ids(f.templateIds, 'Template', `${prefix}.templateIds`),
    tags,
  };
}

/** Checks a range: both ends given and valid, from before to, at most 366 days (HOUR series: 31). Pure; BAD_USER_INPUT names the field. */
export function checkRange(from: Date | null | undefined, to: Date | null | undefined, interval: Interval, prefix = 'filter'): { from: Date; to: Date } {
  if (!(from instanceof Date) || Number.isNaN(from.getTime())) throw badInput(`${prefix}.from`, `${prefix}.from is required`);
  if (!(to instanceof Date) || Number.isNaN(to.getTime())) throw badInput(`${prefix}.to`, `${prefix}.to is required`);
  if (to.getTime() <= from.getTime()) throw badInput(`${prefix}.to`, `${prefix}.to must be after ${prefix}.from`);
  const days = (to.getTime() - from.getTime()) / 86_400_000;
  if (days > ANALYTICS_LIMITS.maxDays) throw badInput(`${prefix}.to`, `${prefix}.to must be at most ${ANALYTICS_LIMITS.maxDays} days after ${prefix}.from`);
  if (interval === 'HOUR' && days > ANALYTICS_LIMITS.maxHourDays) throw badInput('groupBy', `HOUR series cover at most ${ANALYTICS_LIMITS.maxHourDays} days`);
  return { from, to };
}

/** Checks a timezone name against the IANA names PostgreSQL knows (`known`); BAD_USER_INPUT naming `field`. Pure. */
export function checkTimezone(tz: string | null | undefined, known: ReadonlySet<string>, field = 'timezone'): string {
  const name = tz ?? 'UTC';
  if (typeof name !== 'string' || name.length > ANALYTICS_LIMITS.timezoneLength || !known.has(name)) throw badInput(field, `${field} must be an IANA timezone name such as Europe/Berlin`);
  return name;
}

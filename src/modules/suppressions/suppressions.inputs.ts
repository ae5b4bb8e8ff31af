import { ArrayMaxSize, IsOptional, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { badInput } from '../../graphql/errors';
import { fromGlobalId } from '../../graphql/global-id';
import type { ResolvedSuppressionFilter } from './sql';
import { SuppressionList } from './suppression.enums';

/** Limits of the suppression API. */
export const SUPPRESSION_LIMITS = { addEntries: 1000, removeIds: 1000, importRows: 50_000, reason: 500, query: 254, exportMinutes: 60 };

/** Which entries to list, export or stream. Every condition narrows; your scope applies first. */
@InputType({ description: 'Which suppression entries; all conditions must hold. Your scope always applies first.' })
export class SuppressionFilterInput {
  @Field(() => [SuppressionList], { nullable: true, description: 'Only these lists.' })
  lists?: SuppressionList[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only entries of these domains.' })
  @IsOptional()
  @ArrayMaxSize(100)
  domainIds?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'Only entries of this tenant.' })
  tenantId?: string | null;

  @Field(() => String, { nullable: true, description: 'Only entries whose address or pattern contains this text.' })
  @IsOptional()
  @MaxLength(SUPPRESSION_LIMITS.query)
  query?: string | null;
}

/** Decodes a filter's ids; BAD_USER_INPUT names the field (`filter.domainIds` …). */
export function resolveSuppressionFilter(f: SuppressionFilterInput | null | undefined): ResolvedSuppressionFilter {
  const query = f?.query?.trim().toLowerCase() || null;
  if (query && query.length > SUPPRESSION_LIMITS.query) throw badInput('filter.query', `filter.query must be at most ${SUPPRESSION_LIMITS.query} characters`);
  return {
    lists: f?.lists?.length ? [...new Set(f.lists)] : null,
    domainIds: f?.domainIds?.length ? f.domainIds.map((g) => fromGlobalId(g, 'Domain', 'filter.domainIds')) : null,
    tenantId: f?.tenantId ? fromGlobalId(f.tenantId, 'Tenant', 'filter.tenantId') : null,
    query,
  };
}

/** Input of addSuppressions. */
@InputType({ description: 'Entries to add to one list of one domain (or, with no domain, to the account-wide blocklist).' })
export class AddSuppressionsInput {
  @Field(() => SuppressionList, { description: 'The list. ON_HOLD is placed by soft bounces only.' })
  list!: SuppressionList;

  @Field(() => ID, { nullable: true, description: 'The domain; leave out for the account-wide BLOCKLIST (account-wide principals only).' })
  domainId?: string | null;

  @Field(() => [String], { nullable: true, description: `Addresses (up to ${SUPPRESSION_LIMITS.addEntries} together with the patterns).` })
  recipients?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'BLOCKLIST only: whole domains (`@example.com`) and globs with `*` (`*@example.com`, `info@*`, `*+test@*`).' })
  patterns?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Why (shown on the entries).' })
  reason?: string | null;
}

/** Input of removeSuppressions. */
@InputType({ description: 'Which entries to remove: by id, or every entry of a list and/or domain with `all: true`. Only entries in your scope are touched.' })
export class RemoveSuppressionsInput {
  @Field(() => [ID], { nullable: true, description: `Entries by id (up to ${SUPPRESSION_LIMITS.removeIds}).` })
  ids?: string[] | null;

  @Field(() => SuppressionList, { nullable: true, description: 'Only entries of this list.' })
  list?: SuppressionList | null;

  @Field(() => ID, { nullable: true, description: 'Only entries of this domain.' })
  domainId?: string | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Remove every entry of `list` and/or `domainId` (one of them is needed).' })
  all?: boolean | null;
}

/** Input of importSuppressions. */
@InputType({ description: 'A CSV of addresses (first column; a header row is skipped) to add to one list, processed in the background.' })
export class ImportSuppressionsInput {
  @Field(() => SuppressionList, { description: 'The list. ON_HOLD is placed by soft bounces only.' })
  list!: SuppressionList;

  @Field(() => ID, { nullable: true, description: 'The domain; leave out for the account-wide BLOCKLIST (account-wide principals only).' })
  domainId?: string | null;

  @Field(() => String, { description: `The CSV text: one address (or, for BLOCKLIST, pattern) per row in the first column, up to ${SUPPRESSION_LIMITS.importRows} rows.` })
  csv!: string;

  @Field(() => String, { nullable: true, description: 'Why (shown on the entries).' })
  reason?: string | null;
}

/** Input of exportSuppressions. */
@InputType({ description: 'Which entries to export.' })
export class ExportSuppressionsInput {
  @Field(() => SuppressionFilterInput, { nullable: true, description: 'Which entries (your scope always applies).' })
  filter?: SuppressionFilterInput | null;
}

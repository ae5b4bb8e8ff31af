import { ObjectType } from 'type-graphql';
import type { RowScope } from '../../auth/scope';
import type { RollupQuery, SeriesRow } from './analytics.queries';

/** What an Analytics object counts: the validated query, the scopes that bound it, and a template allow-list. */
export interface AnalyticsRequest {
  query: RollupQuery;
  /** The reader's scope (applied in SQL). */
  scope: RowScope;
  /** A saved report's owner scope (applied in SQL too), or null. */
  ownerScope: RowScope | null;
  /** A CUSTOM member's template allow-list: byTemplate lists only these (null: every template). */
  templateIds: readonly string[] | null;
}

/** The analytics of one request; its fields are resolved on demand, each one read of the rollups (totals and series share one). */
@ObjectType({ description: 'Counts, series and breakdowns of the mail in your scope that matches a filter.' })
export class Analytics {
  /** The series, read once for totals and series together. */
  series?: Promise<SeriesRow[]>;

  constructor(readonly request: AnalyticsRequest) {}
}

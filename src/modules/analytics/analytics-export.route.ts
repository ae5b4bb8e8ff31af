import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { scopedEm, systemEm } from '../../context';
import { type HttpRoute, type RouteContext, sendJson } from '../../http/routes';
import { currentPrincipal } from '../sending/principal-refresh';
import { csvField } from '../suppressions/suppression-export.route';
import { readAnalyticsExportToken, resolveExport, type ResolvedExport } from './analytics-export';
import { AnalyticsExportFormat } from './analytics-export.types';
import { streamSeries, toSeriesRow } from './analytics.queries';
import { AnalyticsCounts } from './analytics.types';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Principal } from '../../auth/principal';
import type { Clock } from '../../lib/clock';
import type { StoredPrincipal } from '../sending/principal-refresh';
import type { AnalyticsInterval } from './analytics.inputs';
import type { LinkFilter } from './analytics-export';

const PRIVATE_HEADERS = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-robots-tag': 'noindex' };
const COUNT_FIELDS = [
  'queued',
  'sent',
  'delivered',
  'deferred',
  'softBounced',
  'hardBounced',
  'opened',
  'openedUnique',
  'clicked',
  'clickedUnique',
  'unsubscribed',
  'spamComplaint',
  'suppressed',
] as const;
const RATE_FIELDS = ['deliveryRate', 'openRate', 'clickRate', 'bounceRate', 'complaintRate', 'unsubscribeRate'] as const;
const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
/** The CSV header: the interval's start (UTC and local), the timezone and interval, counts, then rates. */
export const CSV_HEADER = ['start', 'local_start', 'timezone', 'interval', ...COUNT_FIELDS.map(snake), ...RATE_FIELDS.map(snake)].join(',') + '\r\n';

/** One series row as an export record (counts and rates, the timezone stated). Pure. */
export function exportRecord(r: Record<string, unknown>, q: ResolvedExport['query']): Record<string, unknown> {
  const row = toSeriesRow(r);
  const c = AnalyticsCounts.of(row.counts);
  return { start: row.start.toISOString(), localStart: row.localStart, timezone: q.timezone, interval: q.interval, ...Object.fromEntries([...COUNT_FIELDS, ...RATE_FIELDS].map((k) => [k, c[k]])) };
}

function toCsv(q: ResolvedExport['query']): Transform {
  return new Transform({
    writableObjectMode: true,
    transform(r: Record<string, unknown>, _enc, done) {
      const x = exportRecord(r, q);
      done(null, [x.start, x.localStart, x.timezone, x.interval, ...COUNT_FIELDS.map((k) => x[k]), ...RATE_FIELDS.map((k) => x[k])].map(csvField).join(',') + '\r\n');
    },
  });
}

function toJson(q: ResolvedExport['query']): Transform {
  let first = true;
  return new Transform({
    writableObjectMode: true,
    transform(r: Record<string, unknown>, _enc, done) {
      const head = first ? `{"timezone":${JSON.stringify(q.timezone)},"interval":"${q.interval}","from":"${q.from.toISOString()}","to":"${q.to.toISOString()}","series":[` : ',';
      first = false;
      done(null, head + JSON.stringify(exportRecord(r, q)));
    },
    flush(done) {
      done(null, first ? `{"timezone":${JSON.stringify(q.timezone)},"interval":"${q.interval}","series":[]}` : ']}');
    },
  });
}

/** What a link (or a schedule) names, resolved with its principal's access as it is now; null: nothing to export. Reads. */
export async function exportFor(
  orm: MikroORM,
  clock: Clock,
  stored: StoredPrincipal,
  accountId: string,
  what: { reportId: string | null; filter: LinkFilter | null; groupBy: AnalyticsInterval | null; timezone: string | null },
): Promise<ResolvedExport | null> {
  const principal: Principal | null = await currentPrincipal(orm, clock, stored);
  return resolveExport({ system: systemEm(orm), scoped: (scope) => scopedEm(orm, { kind: 'principal', scope }) }, clock, principal, accountId, what);
}

/** Streams an export's CSV (header row first) or JSON into `out`, from a server-side cursor. Reads. */
export async function writeExport(orm: MikroORM, x: ResolvedExport, format: AnalyticsExportFormat, out: NodeJS.WritableStream, onStart: () => void = () => {}): Promise<void> {
  await streamSeries(systemEm(orm), x.scope, x.ownerScope, x.query, async (rows) => {
    onStart();
    if (format === AnalyticsExportFormat.CSV) {
      out.write(CSV_HEADER);
      await pipeline(rows, toCsv(x.query), out);
    } else await pipeline(rows, toJson(x.query), out);
  });
}

/**
 * `GET /analytics/export/<token>`: the CSV or JSON of a signed link from exportAnalytics, streamed from a
 * server-side cursor — never held in memory. The link's principal is read again now: a revoked token, an
 * ended membership, lost ANALYTICS_READ or a report it no longer sees end the link; its scope (and a
 * report's owner scope) bound every number. A bad, tampered or expired token answers 404.
 */
export const analyticsExportRoute: HttpRoute = {
  method: 'GET',
  match(path) {
    const m = /^\/analytics\/export\/([A-Za-z0-9_.-]{1,16200})$/.exec(path);
    return m ? [m[1]] : null;
  },
  async handle(_req: IncomingMessage, res: ServerResponse, [token]: string[], ctx: RouteContext) {
    const claims = readAnalyticsExportToken(ctx.config.secret, token, ctx.deps.clock.now());
    const x = claims ? await exportFor(ctx.orm, ctx.deps.clock, claims.principal, claims.accountId, claims) : null;
    if (!claims || !x) return sendJson(res, 404, { error: 'This link is not valid or has expired' }, PRIVATE_HEADERS);
    const csv = claims.format === AnalyticsExportFormat.CSV;
    try {
      await writeExport(ctx.orm, x, claims.format, res, () =>
        res.writeHead(200, {
          'content-type': csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
          'content-disposition': `attachment; filename="analytics.${csv ? 'csv' : 'json'}"`,
          'x-content-type-options': 'nosniff',
          ...PRIVATE_HEADERS,
        }),
      );
    } catch (err) {
      // The client went away or the query failed mid-stream: the response ends short, never with an error text.
      ctx.deps.logger.warn({ err: (err as Error).message, requestId: ctx.requestId }, 'analytics export ended early');
      res.destroy();
    }
  },
};

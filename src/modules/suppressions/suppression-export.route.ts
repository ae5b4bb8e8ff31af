import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { systemEm } from '../../context';
import { type HttpRoute, type RouteContext, sendJson } from '../../http/routes';
import { readExportToken } from './suppression-export';
import { streamExport } from './suppressions.queries';
import { Permission } from '../../auth/permissions';
import { rowScope, scopeAllows } from '../../auth/scope';
import { currentPrincipal } from '../sending/principal-refresh';

const PRIVATE_HEADERS = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-robots-tag': 'noindex' };
const HEADER = 'list,recipient,pattern,domain,reason,source,created_at,expires_at\r\n';

/** One CSV field: quoted when needed; text a spreadsheet would run as a formula is prefixed with `'`. Pure. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function toCsv(): Transform {
  return new Transform({
    writableObjectMode: true,
    transform(row: Record<string, unknown>, _enc, done) {
      done(null, [row.list, row.recipient, row.pattern, row.domain, row.reason, row.source, row.created_at, row.expires_at].map(csvField).join(',') + '\r\n');
    },
  });
}

/**
 * `GET /suppressions/export/<token>`: the CSV of a signed link from exportSuppressions, streamed from a
 * server-side cursor (pg-query-stream, 500 rows at a time, with backpressure) — never held in memory.
 * Only the rows the link's scope admits, matching its filter. A bad, tampered or expired token answers 404.
 */
export const suppressionExportRoute: HttpRoute = {
  method: 'GET',
  match(path) {
    const m = /^\/suppressions\/export\/([A-Za-z0-9_.-]{1,12200})$/.exec(path);
    return m ? [m[1]] : null;
  },
  async handle(_req: IncomingMessage, res: ServerResponse, [token]: string[], ctx: RouteContext) {
    const claims = readExportToken(ctx.config.secret, token, ctx.deps.clock.now());
    // The principal as it is now: a revoked token, an ended membership or lost permission ends the link.
    const principal = claims ? await currentPrincipal(ctx.orm, ctx.deps.clock, claims.principal) : null;
    if (!claims || !principal || principal.kind === 'PUBLIC' || principal.scope.accountId !== claims.accountId || !scopeAllows(principal.scope, Permission.SUPPRESSIONS_READ)) {
      return sendJson(res, 404, { error: 'This link is not valid or has expired' }, PRIVATE_HEADERS);
    }
    try {
      await streamExport(systemEm(ctx.orm), rowScope(principal.scope), claims.filter, async (rows) => {
        res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="suppressions.csv"', 'x-content-type-options': 'nosniff', ...PRIVATE_HEADERS });
        res.write(HEADER);
        await pipeline(rows, toCsv(), res);
      });
    } catch (err) {
      // The client went away or the query failed mid-stream: the response ends short, never with an error text.
      ctx.deps.logger.warn({ err: (err as Error).message, requestId: ctx.requestId }, 'suppression export ended early');
      res.destroy();
    }
  },
};

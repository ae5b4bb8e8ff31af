import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Permission } from '../../auth/permissions';
import { isAccountWide, rowScope, type Scope, scopeAllows } from '../../auth/scope';
import { systemEm } from '../../context';
import { toGlobalId, toSealedGlobalId } from '../../graphql/global-id';
import { type HttpRoute, type RouteContext, sendJson } from '../../http/routes';
import { currentPrincipal } from '../sending/principal-refresh';
import { csvField } from '../suppressions/suppression-export.route';
import { readActivityExportToken } from './activity-export';
import { streamActivityExport } from './activity-export.queries';
import { ActivityExportFormat } from './exports.inputs';

const PRIVATE_HEADERS = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-robots-tag': 'noindex', 'x-content-type-options': 'nosniff' };

/** The exported columns, in file order (CSV header and JSON keys). */
export const ACTIVITY_EXPORT_COLUMNS = [
  'eventId',
  'occurredAt',
  'type',
  'messageId',
  'recipient',
  'status',
  'fromEmail',
  'messageIdHeader',
  'domain',
  'tenantId',
  'senderIdentityId',
  'tags',
  'details',
] as const;
type ExportRow = Record<(typeof ACTIVITY_EXPORT_COLUMNS)[number], unknown>;

/**
 * One database row as the API would show it to `scope`: ids as global ids (the event id sealed, as the
 * activity query gives it), and the domain, tenant and sender identity only when the scope may read them
 * (the same rule as Message.domain / tenant / senderIdentity: null outside the scope); `details` stays the
 * stored JSON text. Pure.
 */
export function exportRow(secret: Buffer, scope: Scope, r: Record<string, unknown>): ExportRow {
  const all = isAccountWide(scope) || scope.allDomains;
  const domainId = r.domain_id as string;
  const tenantId = (r.tenant_id as string | null) ?? null;
  const identityId = (r.sender_identity_id as string | null) ?? null;
  return {
    eventId: toSealedGlobalId(secret, 'ActivityEvent', String(r.account_id), String(r.id)),
    occurredAt: r.occurred_at,
    type: r.type,
    messageId: toGlobalId('Message', String(r.message_id)),
    recipient: r.recipient,
    status: r.status,
    fromEmail: r.from_email,
    messageIdHeader: r.message_id_header ?? null,
    domain: all || scope.domainIds.includes(domainId) ? r.domain : null,
    tenantId: tenantId && (all || scope.readableTenantIds.includes(tenantId)) ? toGlobalId('Tenant', tenantId) : null,
    senderIdentityId: identityId && (all || scope.identityIds.includes(identityId)) ? toGlobalId('SenderIdentity', identityId) : null,
    tags: r.tags,
    details: r.data,
  };
}

/** One row as a JSON object: the columns in file order, `details` spliced in as the stored JSON text. Pure. */
export function jsonRow(row: ExportRow): string {
  const { details, ...rest } = row;
  const head = JSON.stringify(rest);
  return `${head.slice(0, -1)},"details":${typeof details === 'string' ? details : JSON.stringify(details)}}`;
}

function toCsv(secret: Buffer, scope: Scope): Transform {
  return new Transform({
    writableObjectMode: true,
    transform(r: Record<string, unknown>, _enc, done) {
      try {
        const row = exportRow(secret, scope, r);
        const cells = ACTIVITY_EXPORT_COLUMNS.map((c) => (c === 'tags' ? (row.tags as string[]).join(';') : row[c]));
        done(null, cells.map(csvField).join(',') + '\r\n');
      } catch (err) {
        done(err as Error);
      }
    },
  });
}

function toJson(secret: Buffer, scope: Scope): Transform {
  let first = true;
  return new Transform({
    writableObjectMode: true,
    transform(r: Record<string, unknown>, _enc, done) {
      try {
        const text = jsonRow(exportRow(secret, scope, r));
        done(null, first ? `[\n${text}` : `,\n${text}`);
        first = false;
      } catch (err) {
        done(err as Error);
      }
    },
    flush(done) {
      done(null, first ? '[]\n' : '\n]\n');
    },
  });
}

/**
 * `GET /activity/export/<token>`: the events of a signed link from exportActivity, as CSV (header row
 * first) or one JSON array, streamed from a server-side cursor with backpressure — never held in memory.
 * The link's principal is rebuilt first: only the rows its scope admits now, if it still has
 * ACTIVITY_READ. A bad, tampered, expired or revoked link answers 404.
 */
export const activityExportRoute: HttpRoute = {
  method: 'GET',
  match(path) {
    const m = /^\/activity\/export\/([A-Za-z0-9_.-]{1,14200})$/.exec(path);
    return m ? [m[1]] : null;
  },
  async handle(_req: IncomingMessage, res: ServerResponse, [token]: string[], ctx: RouteContext) {
    const claims = readActivityExportToken(ctx.config.secret, token, ctx.deps.clock.now());
    const principal = claims ? await currentPrincipal(ctx.orm, ctx.deps.clock, claims.principal) : null;
    if (!claims || !principal || principal.kind === 'PUBLIC' || principal.scope.accountId !== claims.accountId || !scopeAllows(principal.scope, Permission.ACTIVITY_READ)) {
      return sendJson(res, 404, { error: 'This link is not valid or has expired' }, PRIVATE_HEADERS);
    }
    const scope = principal.scope;
    const csv = claims.format === ActivityExportFormat.CSV;
    try {
      await streamActivityExport(systemEm(ctx.orm), rowScope(scope), claims.filter, async (rows) => {
        res.writeHead(200, {
          'content-type': csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
          'content-disposition': `attachment; filename="activity.${csv ? 'csv' : 'json'}"`,
          ...PRIVATE_HEADERS,
        });
        if (csv) res.write(ACTIVITY_EXPORT_COLUMNS.join(',') + '\r\n');
        await pipeline(rows, csv ? toCsv(ctx.config.secret, scope) : toJson(ctx.config.secret, scope), res);
      });
    } catch (err) {
      // The client went away or the query failed mid-stream: the response ends short, never with an error text.
      ctx.deps.logger.warn({ err: (err as Error).message, requestId: ctx.requestId }, 'activity export ended early');
      res.destroy();
    }
  },
};

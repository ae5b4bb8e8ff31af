import type { ServerResponse } from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import { pingDatabase } from '../db/health.queries';
import { sendJson } from './routes';

/** What readiness checks besides the database. */
export interface ReadinessProbe {
  orm: MikroORM;
  /** The LISTEN connection of the live event feed is up. */
  listening(): boolean;
  /** null: this process runs no worker (MAILROOM_WORKER=off); else whether it is running. */
  worker: (() => boolean) | null;
}

type Check = { ok: boolean; detail?: string };

async function checkDatabase(orm: MikroORM): Promise<Check> {
  try {
    await pingDatabase(orm);
    return { ok: true };
  } catch {
    return { ok: false, detail: 'the database does not answer' };
  }
}

async function checkMigrations(orm: MikroORM): Promise<Check> {
  try {
    const pending = await orm.getMigrator().getPendingMigrations();
    return pending.length ? { ok: false, detail: `${pending.length} migration(s) pending` } : { ok: true };
  } catch {
    return { ok: false, detail: 'the migrations could not be read' };
  }
}

/**
 * The readiness checks: database reachable, no migration pending, the event feed's LISTEN connection
 * up, the job worker running when this process runs one. Read-only.
 */
export async function readiness(p: ReadinessProbe): Promise<{ ready: boolean; checks: Record<string, Check> }> {
  const [database, migrations] = await Promise.all([checkDatabase(p.orm), checkMigrations(p.orm)]);
  const checks: Record<string, Check> = { database, migrations, listen: p.listening() ? { ok: true } : { ok: false, detail: 'the LISTEN connection is down (reconnecting)' } };
  if (p.worker) checks.worker = p.worker() ? { ok: true } : { ok: false, detail: 'the job worker is not running' };
  return { ready: Object.values(checks).every((c) => c.ok), checks };
}

/** `GET /readyz`: 200 `{ status: 'ready', checks }` or 503 `{ status: 'not ready', checks }` naming what failed. */
export async function serveReadyz(res: ServerResponse, p: ReadinessProbe): Promise<void> {
  const r = await readiness(p);
  sendJson(res, r.ready ? 200 : 503, { status: r.ready ? 'ready' : 'not ready', checks: r.checks }, { 'cache-control': 'no-store' });
}

/** `GET /`: where things are, as JSON. */
export function serveRoot(res: ServerResponse, publicUrl: string): void {
  sendJson(res, 200, {
    name: 'Mailroom',
    graphql: `${publicUrl}/graphql`,
    graphiql: `${publicUrl}/graphql (open in a browser)`,
    websocket: `${publicUrl.replace(/^http/, 'ws')}/graphql (graphql-ws)`,
    health: { live: '/livez', ready: '/readyz' },
    metrics: '/metrics',
  });
}

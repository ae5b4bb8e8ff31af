import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config';
import { systemEm } from '../context';
import { pingDatabase } from '../db/health.queries';
import { consumerLag } from '../events/consumer-cursors.queries';
import type { Metrics } from '../lib/metrics';
import { type ReadinessProbe, serveReadyz, serveRoot } from './health';
import { serveMetrics } from './metrics';
import { opsAllowed } from './ops';
import { sendJson } from './routes';

/** What the operators' endpoints read. */
export interface OpsEndpoints extends ReadinessProbe {
  config: Config;
  metrics: Metrics;
}

/**
 * Answers the operators' and discovery endpoints of a started server: `GET /` (where things are),
 * `/readyz`, `/healthz` (the database answers; kept for older probes), `/metrics`, `/ops/consumers`.
 * Returns false when the path is none of them. (`/livez` is answered earlier, also while starting.)
 */
export async function serveOpsEndpoint(req: IncomingMessage, res: ServerResponse, path: string, o: OpsEndpoints): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  switch (path) {
    case '/':
      serveRoot(res, o.config.publicUrl);
      return true;
    case '/readyz':
      await serveReadyz(res, o);
      return true;
    case '/healthz':
      await pingDatabase(o.orm);
      sendJson(res, 200, { status: 'ok' });
      return true;
    case '/metrics':
      await serveMetrics(req, res, o.metrics, o.config.metricsToken);
      return true;
    case '/ops/consumers':
      if (opsAllowed(req, res, o.config.opsToken)) sendJson(res, 200, { consumers: await consumerLag(systemEm(o.orm)) });
      return true;
    default:
      return false;
  }
}

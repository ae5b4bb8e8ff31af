import type { IncomingMessage, ServerResponse } from 'node:http';
import { systemEm } from '../../context';
import { type HttpRoute, type RouteContext, sendHtml, sendJson } from '../../http/routes';
import { readInstructionsToken } from './dns-instructions';
import { instructionsHtml, instructionsJson, invalidLinkHtml } from './dns-instructions.page';
import { Domain } from './domain.entity';

const PRIVATE_HEADERS = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-robots-tag': 'noindex' };

function wantsJson(req: IncomingMessage): boolean {
  return String(req.headers.accept ?? '').includes('application/json');
}

function notFound(req: IncomingMessage, res: ServerResponse): void {
  if (wantsJson(req)) return sendJson(res, 404, { error: 'This link is not valid or has expired' }, PRIVATE_HEADERS);
  for (const [k, v] of Object.entries(PRIVATE_HEADERS)) res.setHeader(k, v);
  sendHtml(res, 404, invalidLinkHtml());
}

/**
 * `GET /dns-instructions/<token>`: the read-only page (or JSON with `Accept: application/json`) of
 * a signed link from dnsInstructions. Reads the stored records; never runs a DNS check. A bad or
 * expired token, or a deleted domain, answers 404 without naming anything.
 */
export const dnsInstructionsRoute: HttpRoute = {
  method: 'GET',
  match(path) {
    const m = /^\/dns-instructions\/([A-Za-z0-9_.-]{1,600})$/.exec(path);
    return m ? [m[1]] : null;
  },
  async handle(req: IncomingMessage, res: ServerResponse, [token]: string[], ctx: RouteContext) {
    const claims = readInstructionsToken(ctx.config.secret, token, ctx.deps.clock.now());
    if (!claims) return notFound(req, res);
    const domain = await systemEm(ctx.orm).findOne(Domain, { id: claims.domainId, account: claims.accountId });
    if (!domain) return notFound(req, res);
    if (wantsJson(req)) return sendJson(res, 200, instructionsJson(domain), PRIVATE_HEADERS);
    for (const [k, v] of Object.entries(PRIVATE_HEADERS)) res.setHeader(k, v);
    res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
    sendHtml(res, 200, instructionsHtml(domain, claims.expiresAt));
  },
};

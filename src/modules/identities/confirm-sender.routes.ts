import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLarge, readBody } from '../../http/body';
import { escapeHtml, type HttpRoute, sendHtml } from '../../http/routes';
import { AppError } from '../../graphql/errors';
import { confirmByToken, findByConfirmationToken } from './confirmation.service';
import { systemEm } from '../../context';

const PATH = '/confirm-sender';

function page(title: string, body: string): string {
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(title)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem;line-height:1.5}button{font-size:1rem;padding:.6rem 1.2rem}</style>',
    `</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
  ].join('');
}

/** Writes a page that is never cached, never framed and leaks no token through Referer. */
function respond(res: ServerResponse, status: number, html: string): void {
  res.setHeader('cache-control', 'no-store');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  sendHtml(res, status, html);
}

function invalidPage(res: ServerResponse, err: AppError): void {
  respond(res, 400, page('Link not valid', `<p>${escapeHtml(err.message)}</p>`));
}

/**
 * GET shows what is being confirmed and a button; it changes nothing, because mail scanners
 * prefetch links. Read-only.
 */
const showPage: HttpRoute = {
  method: 'GET',
  match: (path) => (path === PATH ? [] : null),
  async handle(_req, res, _params, ctx) {
    const token = ctx.url.searchParams.get('token') ?? '';
    try {
      const identity = await findByConfirmationToken(ctx.orm, ctx.deps, token);
      const body = [
        `<p>Confirm that <strong>${escapeHtml(identity.email)}</strong> is your address and that it may be used as a sender address.</p>`,
        `<form method="post" action="${PATH}">`,
        `<input type="hidden" name="token" value="${escapeHtml(token)}">`,
        '<button type="submit">Confirm my address</button></form>',
      ].join('');
      respond(res, 200, page('Confirm your sender address', body));
    } catch (e) {
      if (e instanceof AppError) return invalidPage(res, e);
      throw e;
    }
  },
};

async function formToken(req: IncomingMessage): Promise<string> {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return '';
  return new URLSearchParams(await readBody(req, 4096)).get('token') ?? '';
}

/** POST (the button) confirms the identity and spends the token. Side effect: write. */
const confirmPage: HttpRoute = {
  method: 'POST',
  match: (path) => (path === PATH ? [] : null),
  async handle(req, res, _params, ctx) {
    try {
      const identity = await confirmByToken(systemEm(ctx.orm), ctx.deps, await formToken(req));
      respond(res, 200, page('Address confirmed', `<p><strong>${escapeHtml(identity.email)}</strong> is confirmed as a sender address. You can close this page.</p>`));
    } catch (e) {
      if (e instanceof BodyTooLarge) return respond(res, 413, page('Request too large', '<p>The request was too large.</p>'));
      if (e instanceof AppError) return invalidPage(res, e);
      throw e;
    }
  },
};

/** The public pages behind a sender-confirmation link. */
export const CONFIRM_SENDER_ROUTES: HttpRoute[] = [showPage, confirmPage];

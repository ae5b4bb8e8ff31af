import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLarge, readBody } from '../../http/body';
import type { HttpRoute, RouteContext } from '../../http/routes';
import { clientInfo } from './client-info';
import { hostServesLinks } from './tracking-hosts';
import { alreadyUnsubscribed, type Engagement, findTrackedMessage, recordEngagement, type TrackedMessage } from './tracking.service';
import { verifyUnsubscribeToken } from '../sending/links';
import { verifyTrackingToken } from './tracking-token';
import { alreadyUnsubscribedPage, invalidLinkPage, respondPage, unsubscribedPage, unsubscribeFormPage } from './unsubscribe.page';

/** A transparent 1×1 GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const NO_STORE = 'no-store, no-cache, must-revalidate, max-age=0';
const TOKEN = '[A-Za-z0-9_-]{1,8192}\\.[A-Za-z0-9_-]{1,128}';

function matcher(re: RegExp): (path: string) => string[] | null {
  return (path) => {
    const m = re.exec(path);
    return m ? [m[1]] : null;
  };
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': NO_STORE, 'x-content-type-options': 'nosniff' });
  res.end('Not found');
}

/**
 * The message of a verified token, if the request came to a host that may serve its links (see
 * tracking-hosts.ts); `false` when it came to another host (the caller answers 404 and records
 * nothing). A message that no longer exists (null) is served on the platform's hosts only.
 */
async function onItsHost(req: IncomingMessage, ctx: RouteContext, messageId: string): Promise<TrackedMessage | null | false> {
  const message = await findTrackedMessage(ctx.orm, messageId);
  return hostServesLinks(req.headers.host, ctx.config, message?.trackingHost ?? null) ? message : false;
}

/** Records an engagement without letting a failure break the pixel or the redirect (it is logged). */
async function record(req: IncomingMessage, ctx: RouteContext, messageId: string, kind: Engagement, extra: Record<string, unknown> = {}): Promise<void> {
  try {
    await recordEngagement(ctx.orm, messageId, kind, { ...extra, ...(await clientInfo(req)) }, ctx.deps.clock.now());
  } catch (err) {
    ctx.deps.logger.error({ err, requestId: ctx.requestId, kind }, 'recording a tracking event failed');
  }
}

/** `GET /t/o/<token>.gif`: the open pixel. Records OPENED (and OPENED_UNIQUE the first time); a forged token is 404. */
const openPixel: HttpRoute = {
  method: 'GET',
  match: matcher(new RegExp(`^/t/o/(${TOKEN})\\.gif$`)),
  async handle(req, res, [token], ctx) {
    const claims = verifyTrackingToken(ctx.config.secret, token, 'open');
    if (!claims || (await onItsHost(req, ctx, claims.messageId)) === false) return notFound(res);
    await record(req, ctx, claims.messageId, 'open');
    res.writeHead(200, { 'content-type': 'image/gif', 'content-length': PIXEL.length, 'cache-control': NO_STORE, pragma: 'no-cache', expires: '0' });
    res.end(PIXEL);
  },
};

/**
 * `GET /t/c/<token>`: a tracked link. Redirects (302) to the URL the token signs — never to any
 * other, so it is no open redirect — and records CLICKED (and CLICKED_UNIQUE the first time).
 */
const clickRedirect: HttpRoute = {
  method: 'GET',
  match: matcher(new RegExp(`^/t/c/(${TOKEN})$`)),
  async handle(req, res, [token], ctx) {
    const claims = verifyTrackingToken(ctx.config.secret, token, 'click');
    if (!claims?.url || (await onItsHost(req, ctx, claims.messageId)) === false) return notFound(res);
    await record(req, ctx, claims.messageId, 'click', { url: claims.url });
    res.writeHead(302, { location: claims.url, 'cache-control': NO_STORE, 'referrer-policy': 'no-referrer', 'content-length': 0 });
    res.end();
  },
};

const UNSUBSCRIBE_PATH = new RegExp(`^/u/(${TOKEN})$`);

/** `GET /u/<token>`: the unsubscribe page with a button. Changes nothing, because mail scanners prefetch links. */
const unsubscribeForm: HttpRoute = {
  method: 'GET',
  match: matcher(UNSUBSCRIBE_PATH),
  async handle(req, res, [token], ctx) {
    const messageId = verifyUnsubscribeToken(ctx.config.secret, token);
    const message = messageId ? await onItsHost(req, ctx, messageId) : null;
    if (!message) return invalidLinkPage(res);
    if (await alreadyUnsubscribed(ctx.orm, message)) return alreadyUnsubscribedPage(res, message);
    unsubscribeFormPage(res, token, message);
  },
};

/** Reads an RFC 8058 one-click body (`List-Unsubscribe=One-Click`, urlencoded or multipart); null when it is not one. */
async function oneClickBody(req: IncomingMessage): Promise<{ via: string } | null> {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  const body = await readBody(req, 8192);
  if (type === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(body);
    return form.get('List-Unsubscribe') === 'One-Click' ? { via: form.get('via') === 'page' ? 'page' : 'one-click' } : null;
  }
  if (type === 'multipart/form-data') return /name="?List-Unsubscribe"?\r?\n(?:[^\r\n]+\r?\n)*\r?\nOne-Click\r?\n/i.test(body) ? { via: 'one-click' } : null;
  return null;
}

/**
 * `POST /u/<token>`: RFC 8058 one-click unsubscribe (mailbox providers post it without cookies or
 * credentials; the page's button posts the same form). Records UNSUBSCRIBED once per message.
 */
const unsubscribeOneClick: HttpRoute = {
  method: 'POST',
  match: matcher(UNSUBSCRIBE_PATH),
  async handle(req, res, [token], ctx) {
    const messageId = verifyUnsubscribeToken(ctx.config.secret, token);
    if (!messageId || (await onItsHost(req, ctx, messageId)) === false) return invalidLinkPage(res);
    let form: { via: string } | null;
    try {
      form = await oneClickBody(req);
    } catch (e) {
      if (e instanceof BodyTooLarge) return respondPage(res, 413, 'Request too large', '<p>The request was too large.</p>');
      throw e;
    }
    if (!form) return respondPage(res, 400, 'Not a one-click unsubscribe', '<p>The request must post <code>List-Unsubscribe=One-Click</code> as a form.</p>');
    const data = { via: form.via, ...(await clientInfo(req)) };
    const { message } = await recordEngagement(ctx.orm, messageId, 'unsubscribe', data, ctx.deps.clock.now());
    unsubscribedPage(res, message);
  },
};

/** The public tracking endpoints: open pixel, click redirect, unsubscribe page and one-click POST. */
export const TRACKING_ROUTES: HttpRoute[] = [openPixel, clickRedirect, unsubscribeForm, unsubscribeOneClick];

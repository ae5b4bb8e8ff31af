import { badInput } from '../../graphql/errors';
import { fromGlobalId } from '../../graphql/global-id';
import type { HttpRoute } from '../../http/routes';
import type { ActivityEventType } from '../../events/event-type';
import { listActivity } from '../activity/activity.service';
import { eventMessage } from '../activity/message-fields';
import { emailShape, EVENT_NAMES, eventName } from './rest-shapes';
import { pathId } from './rest-errors';
import { listEnvelope, pageWindow, restPage } from './rest-pagination';
import { restRoute } from './rest-route';

/** A unix-seconds query parameter as a Date; 422 naming it when it is not one. */
export function unixParam(query: URLSearchParams, name: string): Date | null {
  const raw = query.get(name);
  if (raw === null || raw === '') return null;
  if (!/^\d{1,12}$/.test(raw)) throw badInput(name, `The ${name} must be a unix timestamp in seconds.`);
  return new Date(Number(raw) * 1000);
}

/** The `event` filter however the client spelt the array (`event[]=…`, `event[0]=…` as the SDK sends it, or `event=…`); 422 naming an unknown one. */
export function eventTypes(query: URLSearchParams): ActivityEventType[] | null {
  const names: string[] = [];
  for (const [k, v] of query) if (k === 'event' || /^event\[\d*\]$/.test(k)) names.push(v);
  if (!names.length) return null;
  return names.map((n, i) => {
    const type = EVENT_NAMES[n.trim().toLowerCase()];
    if (!type) throw badInput(`event.${i}`, `The selected event.${i} is invalid (${n.slice(0, 40)} is not an event Mailroom records).`);
    return type;
  });
}

/**
 * `GET /v1/activity/{domain_id}` → the activity query filtered to the domain (`date_from`/`date_to` in
 * unix seconds, `event[]`), newest first, numbered pages. A domain outside the caller's scope lists
 * nothing, exactly as a domain with no activity. Each event carries its message as MailerSend's `email`
 * (bodies only with ACTIVITY_CONTENT_READ).
 */
const activityRoute = restRoute({
  method: 'GET',
  pattern: /^\/v1\/activity\/([^/]+)$/,
  name: 'GET /v1/activity/{domain_id}',
  operationType: 'query',
  fields: ['activity'],
  async handle({ ctx, route, params: [domainId], query, note }) {
    note.domainIds.push(fromGlobalId(pathId(domainId, 'Domain'), 'Domain', 'domain_id'));
    const page = restPage(query);
    const filter = { domainIds: [domainId], types: eventTypes(query), from: unixParam(query, 'date_from'), to: unixParam(query, 'date_to') };
    const conn = await listActivity(ctx, pageWindow(page), filter);
    const data = await Promise.all(
      conn.edges.map(async ({ node }) => {
        const message = await eventMessage(ctx, node);
        const at = node.occurredAt.toISOString();
        return { id: node.gid, created_at: at, updated_at: at, type: eventName(node.type), email: message ? await emailShape(ctx, message) : null };
      }),
    );
    return { status: 200, body: listEnvelope(route.config.publicUrl, route.url, page, conn.totalCount, data) };
  },
});

/** The activity endpoint. */
export const ACTIVITY_ROUTES: HttpRoute[] = [activityRoute];

import { badInput, notFound } from '../../graphql/errors';
import type { Row } from '../../db/read-rows';
import type { HttpRoute } from '../../http/routes';
import { getMessage } from '../activity/activity.service';
import type { MessagesFilterInput } from '../messages/message-list.inputs';
import { listMessages } from '../messages/message-list.service';
import { cancelScheduledMessage } from '../sending/cancel.service';
import type { Message } from '../sending/message.entity';
import { pathId } from './rest-errors';
import { listEnvelope, pageWindow, restPage } from './rest-pagination';
import { restRoute } from './rest-route';
import { messageListItem, messageShape, SCHEDULE_STATES, scheduleListItem, scheduleShape, scheduleState } from './rest-shapes';

/** A numbered page of the messages list as `name` (`GET /v1/…`), with the filter the query asks for, each message shown by `item`. */
function messagesPageRoute(name: string, pattern: RegExp, filterOf: (query: URLSearchParams) => MessagesFilterInput | null, item: (m: Row<Message>) => unknown) {
  return restRoute({
    method: 'GET',
    pattern,
    name,
    operationType: 'query',
    fields: ['messages'],
    async handle({ ctx, route, query }) {
      const page = restPage(query);
      const conn = await listMessages(ctx, pageWindow(page), filterOf(query));
      return {
        status: 200,
        body: listEnvelope(
          route.config.publicUrl,
          route.url,
          page,
          conn.totalCount,
          conn.edges.map((e) => item(e.node)),
        ),
      };
    },
  });
}

/** `GET /v1/messages` → the messages list, newest first (one message per recipient). */
const listRoute = messagesPageRoute('GET /v1/messages', /^\/v1\/messages$/, () => null, messageListItem);

/** `GET /v1/messages/{id}` → message(id): its email and domain; 404 outside the scope. */
const singleRoute = restRoute({
  method: 'GET',
  pattern: /^\/v1\/messages\/([^/]+)$/,
  name: 'GET /v1/messages/{id}',
  operationType: 'query',
  fields: ['message'],
  async handle({ ctx, params: [id] }) {
    const m = await getMessage(ctx, pathId(id, 'Message'));
    return { status: 200, body: { data: await messageShape(ctx, m) } };
  },
});

/** The messages filter of a schedules list: messages that had a sendAt, in the asked MailerSend state (default: any but cancelled), of `domain_id`. */
export function schedulesFilter(query: URLSearchParams): MessagesFilterInput {
  const state = query.get('status');
  if (state !== null && state !== '' && !(state in SCHEDULE_STATES)) throw badInput('status', 'The selected status is invalid (scheduled, sent or error).');
  const status = state ? SCHEDULE_STATES[state as keyof typeof SCHEDULE_STATES] : Object.values(SCHEDULE_STATES).flat();
  const domainId = query.get('domain_id');
  return { status, sendAtFrom: new Date(0), domainIds: domainId ? [domainId] : null };
}

/** `GET /v1/message-schedules` → the messages list filtered to scheduled messages. */
const schedulesRoute = messagesPageRoute('GET /v1/message-schedules', /^\/v1\/message-schedules$/, schedulesFilter, scheduleListItem);

/** `GET /v1/message-schedules/{id}` → message(id), when it was scheduled and not cancelled; 404 otherwise. */
const scheduleRoute = restRoute({
  method: 'GET',
  pattern: /^\/v1\/message-schedules\/([^/]+)$/,
  name: 'GET /v1/message-schedules/{id}',
  operationType: 'query',
  fields: ['message'],
  async handle({ ctx, params: [id] }) {
    const m = await getMessage(ctx, pathId(id, 'Message'));
    if (!m.sendAt || !scheduleState(m.status)) throw notFound('Message');
    return { status: 200, body: { data: await scheduleShape(ctx, m) } };
  },
});

/** `DELETE /v1/message-schedules/{id}` → cancelScheduledMessage: 204; 404 outside the scope, 422 when it is no longer scheduled. */
const deleteRoute = restRoute({
  method: 'DELETE',
  pattern: /^\/v1\/message-schedules\/([^/]+)$/,
  name: 'DELETE /v1/message-schedules/{id}',
  operationType: 'mutation',
  fields: ['cancelScheduledMessage'],
  async handle({ ctx, params: [id], note }) {
    note.paths.id = 'message_id';
    await cancelScheduledMessage(ctx, { id: pathId(id, 'Message') });
    return { status: 204 };
  },
});

/** The messages and message-schedules endpoints. */
export const MESSAGE_ROUTES: HttpRoute[] = [listRoute, singleRoute, schedulesRoute, scheduleRoute, deleteRoute];

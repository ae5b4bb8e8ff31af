import type { IncomingMessage } from 'node:http';
import { Permission } from '../../auth/permissions';
import { scopeAllows } from '../../auth/scope';
import { type Context, requireScope } from '../../context';
import { AppError, badInput } from '../../graphql/errors';
import { toGlobalId } from '../../graphql/global-id';
import type { HttpRoute } from '../../http/routes';
import { listMessages } from '../messages/message-list.service';
import type { BulkSend } from '../sending/bulk-send.entity';
import { bulkEmailStatus, sendBulkEmail } from '../sending/bulk.service';
import type { Message } from '../sending/message.entity';
import { MessageStatus } from '../sending/message.types';
import { sendEmail } from '../sending/send.service';
import type { SendEmailInput } from '../sending/sending.inputs';
import { toSendEmailInput } from './email-body';
import { pathId, restPath } from './rest-errors';
import { restRoute } from './rest-route';

/** At most this many message ids are listed in a bulk email's status (one per recipient). */
export const BULK_STATUS_MAX_IDS = 1000;

function idempotencyKey(req: IncomingMessage): string | null {
  const raw = req.headers['idempotency-key'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined ? null : value;
}

/** MailerSend's 202 warnings when recipients are suppressed (their messages were recorded SUPPRESSED, never sent). */
function suppressionWarnings(messages: readonly Message[]): Record<string, unknown> | undefined {
  const suppressed = messages.filter((m) => m.status === MessageStatus.SUPPRESSED);
  if (!suppressed.length) return undefined;
  const all = suppressed.length === messages.length;
  return {
    warnings: [
      {
        type: all ? 'ALL_SUPPRESSED' : 'SOME_SUPPRESSED',
        warning: all ? 'None of the recipients were sent this email.' : 'Some of the recipients were not sent this email.',
        recipients: suppressed.map((m) => ({ email: m.recipient, name: m.recipientName, reasons: ['suppressed'], message_id: m.gid })),
      },
    ],
  };
}

/** `POST /v1/email` → sendEmail: 202, `X-Message-Id` the first recipient's message (`X-Mailroom-Message-Ids`: every one). */
const sendRoute = restRoute({
  method: 'POST',
  pattern: /^\/v1\/email$/,
  name: 'POST /v1/email',
  operationType: 'mutation',
  fields: ['sendEmail'],
  async handle({ ctx, req, body, note }) {
    const { input, paths } = toSendEmailInput(body, idempotencyKey(req));
    Object.assign(note.paths, paths);
    const messages = await sendEmail(ctx, input);
    const headers = { 'x-message-id': messages[0].gid, 'x-mailroom-message-ids': messages.map((m) => m.gid).join(',') };
    return { status: 202, headers, body: suppressionWarnings(messages) };
  },
});

function bulkRequests(body: unknown): SendEmailInput[] {
  if (!Array.isArray(body)) throw badInput('body', 'The body must be an array of emails.');
  return body.map((item, i) => {
    try {
      return toSendEmailInput(item, null).input;
    } catch (e) {
      if (e instanceof AppError && typeof e.extensions.field === 'string') throw badInput(`${i}.${restPath(e.extensions.field)}`, e.message);
      throw e;
    }
  });
}

/**
 * `POST /v1/bulk-email` → sendBulkEmail: 202 `{ message, bulk_email_id }`; each email is checked in the background, as over GraphQL.
 * `Idempotency-Key` is the bulk send's idempotencyKey: a replay answers 202 with the first call's bulk_email_id, another body 409.
 */
const bulkRoute = restRoute({
  method: 'POST',
  pattern: /^\/v1\/bulk-email$/,
  name: 'POST /v1/bulk-email',
  operationType: 'mutation',
  fields: ['sendBulkEmail'],
  async handle({ ctx, req, body }) {
    const bulk = await sendBulkEmail(ctx, { requests: bulkRequests(body), idempotencyKey: idempotencyKey(req) });
    return { status: 202, body: { message: 'The bulk email is being processed.', bulk_email_id: bulk.gid } };
  },
});

/** The ids of a bulk send's messages (newest first, at most BULK_STATUS_MAX_IDS), through the messages list; null without ACTIVITY_READ. */
async function bulkMessageIds(ctx: Context, bulk: BulkSend): Promise<string[] | null> {
  if (!scopeAllows(requireScope(ctx), Permission.ACTIVITY_READ)) return null;
  const ids: string[] = [];
  let after: string | null = null;
  while (ids.length < BULK_STATUS_MAX_IDS) {
    const page = await listMessages(ctx, { first: 100, after }, { bulkEmailId: bulk.gid });
    ids.push(...page.edges.map((e) => toGlobalId('Message', e.node.id)));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return ids.slice(0, BULK_STATUS_MAX_IDS);
}

function validationErrors(bulk: BulkSend): Record<string, Record<string, string[]>> | null {
  if (!bulk.errors.length) return null;
  const out: Record<string, Record<string, string[]>> = {};
  for (const e of bulk.errors) out[`message.${e.index}`] = { [e.field ? restPath(e.field) : 'message']: [e.message] };
  return out;
}

/** `GET /v1/bulk-email/{id}` → bulkEmailStatus (and the messages list for `messages_id`). */
const bulkStatusRoute = restRoute({
  method: 'GET',
  pattern: /^\/v1\/bulk-email\/([^/]+)$/,
  name: 'GET /v1/bulk-email/{id}',
  operationType: 'query',
  fields: ['bulkEmailStatus', 'messages'],
  async handle({ ctx, params: [id] }) {
    const bulk = await bulkEmailStatus(ctx, pathId(id, 'BulkSend'));
    return {
      status: 200,
      body: {
        data: {
          id: bulk.gid,
          state: bulk.status.toLowerCase(),
          total_recipients_count: bulk.messagesQueued,
          suppressed_recipients_count: bulk.messagesSuppressed,
          suppressed_recipients: null,
          validation_errors_count: bulk.failed,
          validation_errors: validationErrors(bulk),
          messages_id: await bulkMessageIds(ctx, bulk),
          created_at: bulk.createdAt.toISOString(),
          updated_at: bulk.updatedAt.toISOString(),
        },
      },
    };
  },
});

/** The sending endpoints. */
export const EMAIL_ROUTES: HttpRoute[] = [sendRoute, bulkRoute, bulkStatusRoute];

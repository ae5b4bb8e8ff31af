import { type AppError, notFound } from '../../graphql/errors';
import { parseGlobalId } from '../../graphql/global-id';
import { isUuid } from '../../lib/ids';

/** A REST answer: status, JSON body (none for 202/204 without one) and extra headers. */
export interface RestAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Our field names that MailerSend spells differently (after the generic `camelCase` → `snake_case`, `[i]` → `.i`). */
const RENAMED: Record<string, string> = {
  variables: 'personalization',
  idempotency_key: 'Idempotency-Key',
  'filter.domain_ids': 'domain_id',
  'filter.from': 'date_from',
  'filter.to': 'date_to',
  'filter.types': 'event',
  first: 'limit',
};

/**
 * A field named in one of our coded errors (`to[0].email`, `replyTo.name`, `templateId`) as MailerSend's
 * dotted path (`to.0.email`, `reply_to.name`, `template_id`); `overrides` first (fields a translation
 * made up, e.g. the header an `in_reply_to` became), then the renames above. Pure.
 */
export function restPath(field: string, overrides: Readonly<Record<string, string>> = {}): string {
  if (overrides[field]) return overrides[field];
  const dotted = field
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    // An attachment's Content-ID is MailerSend's `id`; its content type is read from its content.
    .replace(/^attachments\.(\d+)\.content_id$/, 'attachments.$1.id')
    .replace(/^attachments\.(\d+)\.content_type$/, 'attachments.$1.content');
  return RENAMED[dotted] ?? dotted;
}

const STATUS: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, BAD_USER_INPUT: 422, CONFLICT: 409, RATE_LIMITED: 429 };

/**
 * One of our coded errors in MailerSend's shape: `422 { message, errors: { "<path>": [message] } }` for
 * input (and `409` for CONFLICT, same body), `401`/`403`/`404 { message }`, `429 { message }` with
 * `retry-after`. The message is the coded error's own (safe to show). Pure.
 */
export function errorAnswer(e: AppError, overrides: Readonly<Record<string, string>> = {}): RestAnswer {
  const code = String(e.extensions.code);
  const status = STATUS[code] ?? 500;
  const field = typeof e.extensions.field === 'string' ? e.extensions.field : null;
  if ((code === 'BAD_USER_INPUT' || code === 'CONFLICT') && field) {
    const path = restPath(field, overrides);
    return { status, body: { message: e.message, errors: { [path]: [e.message] } } };
  }
  if (code === 'RATE_LIMITED') return { status, body: { message: e.message }, headers: { 'retry-after': String(e.extensions.retryAfter ?? 1) } };
  return { status, body: { message: e.message } };
}

/** The answer to an unexpected failure: 500 with the request id, nothing of the failure itself. */
export function internalAnswer(requestId: string): RestAnswer {
  return { status: 500, body: { message: 'Internal server error', request_id: requestId } };
}

/** A global id from the URL path: a malformed one, or one of another type, is 404 like a missing row (not a 422 on a field the caller did not fill in). */
export function pathId(gid: string, type: string): string {
  const parsed = parseGlobalId(gid);
  if (!parsed || parsed.type !== type || !isUuid(parsed.id)) throw notFound(type);
  return gid;
}

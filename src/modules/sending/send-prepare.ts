import { Permission } from '../../auth/permissions';
import type { Scope } from '../../auth/scope';
import { type Context, requirePermission } from '../../context';
import { badInput } from '../../graphql/errors';
import { Template } from '../templates/template.entity';
import { replayIdempotent } from './idempotency';
import type { Message } from './message.entity';
import { RenderError, renderContent } from './render';
import { type Address, parseSendRequest, requestHash, type SendRequest } from './send-request';
import { resolveSender, type SendingSource } from './sender';
import type { SendEmailInput } from './sending.inputs';
import { loadInScope } from '../../db/find-in-scope';
import { type ParsedAttachment, parseAttachments } from '../attachments/attachment-parse';

/** The rendered content of a request. A scheduled template message renders again when due (the template may change until then). */
export interface Content {
  subject: string;
  html: string | null;
  text: string | null;
  renderLater: boolean;
}

/** A request that passed every check and is ready to be written. */
export interface PreparedSend {
  scope: Scope;
  req: SendRequest;
  key: string | null;
  hash: string | null;
  template: Template | null;
  from: Address;
  replyTo: Address | null;
  source: SendingSource;
  content: Content;
  /** The request's attachments, or (when it gives none) the template's. */
  attachments: ParsedAttachment[];
}

/** Lookups shared by the requests of one principal in one batch (the same sender and template again and again), and the batch's render deadline. */
export interface SendMemo {
  senders: Map<string, Promise<SendingSource>>;
  templates: Map<string, Promise<Template>>;
  /** Epoch ms past which no render of the batch may run (a bulk chunk's budget); none for a single send. */
  renderDeadline?: number;
}

/** An empty memo, with the batch's render deadline when given. */
export const newSendMemo = (renderDeadline?: number): SendMemo => ({ senders: new Map(), templates: new Map(), renderDeadline });

function memoized<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let p = map.get(key);
  if (!p) {
    p = load();
    map.set(key, p);
    // A failure is not kept: the next request asks again (its own error, its own index).
    p.catch(() => map.delete(key));
  }
  return p;
}

async function loadTemplate(ctx: Context, id: string): Promise<Template> {
  return loadInScope(ctx, Template, 'Template', id, 'templateId');
}

async function contentFor(ctx: Context, req: SendRequest, template: Template | null, deadline: number | undefined): Promise<Content> {
  if (!template) return { subject: req.subject!, html: req.html, text: req.text, renderLater: false };
  try {
    const parts = { subject: template.subject, html: template.html, text: template.text };
    const rendered = await renderContent(ctx.deps.renderer, parts, req.variables ?? {}, { timeoutMs: ctx.config.renderTimeoutMs, deadline });
    return { ...rendered, renderLater: req.sendAt !== null };
  } catch (e) {
    if (e instanceof RenderError) throw badInput('templateId', `The template does not render: ${e.message}`, { part: e.field });
    throw e;
  }
}

function senderAddress(req: SendRequest, template: Template | null): Address {
  if (req.from) return req.from;
  if (template?.fromEmail) return { email: template.fromEmail, name: template.fromName };
  throw badInput('from.email', 'from is required: the template has no From address');
}

function replyToFor(req: SendRequest, template: Template | null, source: SendingSource): Address | null {
  if (req.replyTo) return req.replyTo;
  if (template?.replyToEmail) return { email: template.replyToEmail, name: template.replyToName };
  if (source.identity?.replyToEmail) return { email: source.identity.replyToEmail, name: source.identity.replyToName };
  return null;
}

/**
 * Checks a send request without writing anything (EMAIL_SEND): validates it, answers a repeated
 * idempotency key with the first call's messages (CONFLICT for another body), loads the template
 * and the sender in the caller's scope and renders. Reads only.
 */
export async function prepareSend(ctx: Context, input: SendEmailInput, memo: SendMemo = newSendMemo()): Promise<{ replay: Message[] } | { prepared: PreparedSend }> {
  const scope = requirePermission(ctx, Permission.EMAIL_SEND);
  const now = ctx.deps.clock.now();
  const req = parseSendRequest(input, now, ctx.config.maxAttachmentBytes);
  const key = req.idempotencyKey;
  const hash = key ? requestHash(input, req.attachments) : null;
  if (key) {
    const prior = await replayIdempotent(ctx, scope, key, hash!, now);
    if (prior) return { replay: prior };
  }
  const template = req.templateId ? await memoized(memo.templates, req.templateId, () => loadTemplate(ctx, req.templateId!)) : null;
  const from = senderAddress(req, template);
  const source = await memoized(memo.senders, from.email, () => resolveSender(ctx, from));
  const content = await contentFor(ctx, req, template, memo.renderDeadline);
  // Template attachments were checked when saved; the limit in force then applies to them.
  const attachments = req.attachments.length || !template?.attachments.length ? req.attachments : parseAttachments(template.attachments, Number.MAX_SAFE_INTEGER);
  return { prepared: { scope, req, key, hash, template, from, replyTo: replyToFor(req, template, source), source, content, attachments } };
}

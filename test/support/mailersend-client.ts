import { MailerSend } from 'mailersend';
import { EmailModule } from 'mailersend/lib/modules/Email.module';
import type { APIResponse } from 'mailersend/lib/services/request.service';

/**
 * The official `mailersend` SDK pointed at a test server: its constructor takes no base URL (it is
 * fixed to MailerSend's), so the email module — sending, activity, messages, schedules — is built
 * again on `<url>/v1`, exactly as the SDK builds it.
 */
export function mailerSendClient(url: string, apiKey: string): MailerSend {
  const ms = new MailerSend({ apiKey });
  ms.email = new EmailModule(apiKey, `${url}/v1`);
  return ms;
}

/** What an SDK call answered: the response, or what the SDK threw for a 4xx/5xx (`{ statusCode, headers, body }`). */
export async function answer(call: Promise<APIResponse>): Promise<{ statusCode: number; headers: Record<string, string>; body: any }> {
  try {
    return (await call) as never;
  } catch (e) {
    if (e && typeof e === 'object' && 'statusCode' in e) return e as never;
    throw e;
  }
}

/** A raw REST call (for what the SDK cannot send, e.g. an Idempotency-Key header). */
export async function rest(url: string, method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

import nodemailer from 'nodemailer';
import { AttachmentDisposition } from '../attachments/attachment-disposition';
import type { DeliveryAttachment } from '../attachments/attachment.queries';
import type { DeliveryRow } from './delivery.queries';
import { applyTracking } from '../tracking/apply-tracking';
import { unsubscribeUrl } from './links';
import type { SigningDomain } from './signing-keys';

/** What of a message goes into its MIME, with its attachments (inline ones by Content-ID). */
export type MimeMessage = Pick<DeliveryRow, 'id' | 'fromEmail' | 'fromName' | 'replyToEmail' | 'replyToName' | 'recipient' | 'addressing' | 'subject' | 'html' | 'text' | 'headers' | 'verpToken'> & {
  attachments?: readonly DeliveryAttachment[];
};

/** What building a message needs besides the message: its signing domain, the key, and link settings. */
export interface MimeContext {
  domain: SigningDomain;
  dkimPrivateKeyPem: string;
  publicUrl: string;
  secret: Buffer;
  now: Date;
}

/** A built message: the exact bytes to send, its Message-ID and its SMTP envelope. */
export interface BuiltMessage {
  raw: string;
  messageIdHeader: string;
  envelope: { from: string; to: string };
}

// Renders MIME only (nothing is sent); CRLF line ends as on the wire, so the stored bytes are the signed bytes.
const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

/** The VERP bounce address of a message: `bounce+<token>@<return-path subdomain>.<domain>`. */
export function verpAddress(message: Pick<MimeMessage, 'verpToken'>, domain: Pick<SigningDomain, 'returnPathSubdomain' | 'name'>): string {
  return `bounce+${message.verpToken}@${domain.returnPathSubdomain}.${domain.name}`;
}

const addr = (a: { email: string; name?: string | null }) => ({ address: a.email, name: a.name ?? '' });

const mimeAttachment = (a: DeliveryAttachment) => ({
  filename: a.filename,
  content: a.bytes,
  contentType: a.contentType,
  contentDisposition: a.disposition === AttachmentDisposition.INLINE ? ('inline' as const) : ('attachment' as const),
  ...(a.contentId ? { cid: a.contentId } : {}),
});

/**
 * Builds the MIME message of one recipient's copy (pure apart from CPU): tracking applied to the HTML
 * when the domain has it on, From as the caller gave it
 * (a sender identity's own address), visible To/Cc of the request (never Bcc), Reply-To, the custom
 * headers, `Message-ID: <id@domain>`, one-click List-Unsubscribe (RFC 8058), the attachments (inline
 * images in multipart/related beside the HTML, by Content-ID), and a DKIM signature by the sending
 * domain's key (d= the domain, covering List-Unsubscribe and List-Unsubscribe-Post and the whole body).
 */
export async function buildMime(message: MimeMessage, ctx: MimeContext): Promise<BuiltMessage> {
  const messageIdHeader = `<${message.id}@${ctx.domain.name}>`;
  const envelope = { from: verpAddress(message, ctx.domain), to: message.recipient };
  // Tracking on for the domain: signed open pixel and click links on its tracking host.
  const base = ctx.domain.trackingBaseUrl;
  const html = message.html && base ? applyTracking(message.html, { messageId: message.id, baseUrl: base, config: { secret: ctx.secret, publicUrl: ctx.publicUrl } }) : message.html;
  const info = await builder.sendMail({
    from: addr({ email: message.fromEmail, name: message.fromName }),
    to: message.addressing.to.map(addr),
    cc: message.addressing.cc.length ? message.addressing.cc.map(addr) : undefined,
    replyTo: message.replyToEmail ? addr({ email: message.replyToEmail, name: message.replyToName }) : undefined,
    subject: message.subject ?? '',
    html: html ?? undefined,
    text: message.text ?? undefined,
    attachments: message.attachments?.length ? message.attachments.map(mimeAttachment) : undefined,
    messageId: messageIdHeader,
    date: ctx.now,
    envelope,
    headers: {
      ...message.headers,
      'List-Unsubscribe': `<${unsubscribeUrl(ctx.publicUrl, ctx.secret, message.id)}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    dkim: { domainName: ctx.domain.name, keySelector: ctx.domain.dkimSelector, privateKey: ctx.dkimPrivateKeyPem },
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return { raw: (info.message as Buffer).toString('utf8'), messageIdHeader, envelope };
}

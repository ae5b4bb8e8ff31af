import { escapeHtml } from '../../http/routes';

/** How long a confirmation link stays valid. */
export const CONFIRMATION_TTL_MS = 7 * 24 * 3600_000;

/** What the confirmation e-mail needs to say. */
export interface ConfirmationEmailInput {
  publicUrl: string;
  token: string;
  email: string;
  name: string | null;
  accountName: string;
  personalNote: string | null;
}

/** The link the address owner follows: a page that confirms on a button press, never on GET. */
export function confirmationLink(publicUrl: string, token: string): string {
  return `${publicUrl}/confirm-sender?token=${encodeURIComponent(token)}`;
}

/** Renders the subject, text and HTML of a sender-confirmation e-mail. Pure; every input is escaped in the HTML. */
export function renderConfirmationEmail(input: ConfirmationEmailInput): { subject: string; text: string; html: string } {
  const link = confirmationLink(input.publicUrl, input.token);
  const greeting = input.name ? `Hello ${input.name},` : 'Hello,';
  const intro = `${input.accountName} would like to send e-mail on your behalf from ${input.email}. Please confirm that this is your address and that you agree.`;
  const closing = 'The link is valid for 7 days. If you did not expect this e-mail, ignore it: nothing will be sent from your address.';
  const noteText = input.personalNote ? `A note from ${input.accountName}:\n\n${input.personalNote}\n\n` : '';
  const text = `${greeting}\n\n${intro}\n\n${noteText}Confirm your address:\n${link}\n\n${closing}\n`;
  const noteHtml = input.personalNote ? `<p>A note from ${escapeHtml(input.accountName)}:</p><blockquote style="white-space:pre-wrap">${escapeHtml(input.personalNote)}</blockquote>` : '';
  const html = [
    '<!doctype html><html><body>',
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(intro)}</p>`,
    noteHtml,
    `<p><a href="${escapeHtml(link)}">Confirm your address</a></p>`,
    `<p>Or open this link: ${escapeHtml(link)}</p>`,
    `<p>${escapeHtml(closing)}</p>`,
    '</body></html>',
  ].join('');
  return { subject: `Confirm ${input.email} as a sender address`, text, html };
}

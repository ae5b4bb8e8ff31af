import type { ServerResponse } from 'node:http';
import { escapeHtml, sendHtml } from '../../http/routes';

function page(title: string, body: string): string {
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">',
    `<title>${escapeHtml(title)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem;line-height:1.5}button{font-size:1rem;padding:.6rem 1.2rem}</style>',
    `</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
  ].join('');
}

/** Writes a page that is never cached, never framed and leaks no token through Referer. */
export function respondPage(res: ServerResponse, status: number, title: string, body: string): void {
  res.setHeader('cache-control', 'no-store');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('x-robots-tag', 'noindex');
  res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  sendHtml(res, status, page(title, body));
}

function sender(m: { fromEmail: string; fromName: string | null }): string {
  return escapeHtml(m.fromName ? `${m.fromName} <${m.fromEmail}>` : m.fromEmail);
}

/** The page behind an unsubscribe link: what it stops, and a button that posts the one-click form. Changes nothing. */
export function unsubscribeFormPage(res: ServerResponse, token: string, m: { fromEmail: string; fromName: string | null; recipient: string }): void {
  const body = [
    `<p>Stop e-mails from <strong>${sender(m)}</strong> to <strong>${escapeHtml(m.recipient)}</strong>?</p>`,
    `<form method="post" action="/u/${escapeHtml(encodeURIComponent(token))}">`,
    '<input type="hidden" name="List-Unsubscribe" value="One-Click">',
    '<input type="hidden" name="via" value="page">',
    '<button type="submit">Unsubscribe</button></form>',
  ].join('');
  respondPage(res, 200, 'Unsubscribe', body);
}

/** The page behind an unsubscribe link when the address is already unsubscribed from this sender: says so, offers nothing to click. */
export function alreadyUnsubscribedPage(res: ServerResponse, m: { fromEmail: string; fromName: string | null; recipient: string }): void {
  const body = `<p><strong>${escapeHtml(m.recipient)}</strong> is already unsubscribed from e-mails of <strong>${sender(m)}</strong>: nothing more to do. You can close this page.</p>`;
  respondPage(res, 200, 'Already unsubscribed', body);
}

/** The page after an unsubscribe (first or repeated). */
export function unsubscribedPage(res: ServerResponse, m: { fromEmail: string; fromName: string | null; recipient: string } | null): void {
  const body = m
    ? `<p><strong>${escapeHtml(m.recipient)}</strong> is unsubscribed from e-mails of <strong>${sender(m)}</strong>. You can close this page.</p>`
    : '<p>You are unsubscribed. You can close this page.</p>';
  respondPage(res, 200, 'You are unsubscribed', body);
}

/** The page for a link that is not valid (forged, altered or cut). */
export function invalidLinkPage(res: ServerResponse): void {
  respondPage(res, 404, 'Link not valid', '<p>This link is not valid. Please use the link from the e-mail as it is.</p>');
}

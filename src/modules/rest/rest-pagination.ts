import { badInput } from '../../graphql/errors';
import type { PageWindow } from '../../graphql/pagination';

/** A numbered page as MailerSend asks for one. */
export interface RestPage {
  page: number;
  limit: number;
}

/** Pages past this one are refused (an offset that deep is a scan, not a page). */
export const MAX_REST_PAGE = 10_000;

function integer(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const n = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw badInput(name, `The ${name} must be an integer from ${min} to ${max}.`);
  return n;
}

/** `page` (from 1) and `limit` (MailerSend's bounds: 10–100, default 25) of a list request; 422 naming them otherwise. */
export function restPage(query: URLSearchParams, limits = { min: 10, max: 100, fallback: 25 }): RestPage {
  return { page: integer(query, 'page', 1, 1, MAX_REST_PAGE), limit: integer(query, 'limit', limits.fallback, limits.min, limits.max) };
}

/** The page as the services take it: `first` = limit, and the rows of the pages before it skipped. */
export function pageWindow(p: RestPage): PageWindow {
  return { first: p.limit, skip: (p.page - 1) * p.limit };
}

function pageUrl(base: URL, page: number): string {
  const u = new URL(base.toString());
  u.searchParams.set('page', String(page));
  return u.toString();
}

/**
 * MailerSend's list envelope: `{ data, links: { first, last, prev, next }, meta: { current_page, from,
 * last_page, path, per_page, to, total } }`, the links on the public URL with the request's own query
 * (only `page` changed). `from`/`to` are 1-based item positions, null on an empty page.
 */
export function listEnvelope(publicUrl: string, url: URL, p: RestPage, total: number, data: unknown[]): Record<string, unknown> {
  const base = new URL(url.pathname + url.search, publicUrl);
  const path = new URL(url.pathname, publicUrl).toString();
  const last = Math.max(1, Math.ceil(total / p.limit));
  const from = data.length ? (p.page - 1) * p.limit + 1 : null;
  return {
    data,
    links: {
      first: pageUrl(base, 1),
      last: pageUrl(base, last),
      prev: p.page > 1 ? pageUrl(base, Math.min(p.page - 1, last)) : null,
      next: p.page < last ? pageUrl(base, p.page + 1) : null,
    },
    meta: { current_page: p.page, from, last_page: last, path, per_page: p.limit, to: from === null ? null : from + data.length - 1, total },
  };
}

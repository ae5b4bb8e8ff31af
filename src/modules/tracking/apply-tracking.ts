import type { Config } from '../../config';
import { escapeHtml } from '../../http/routes';
import { DnsRecordKind, DnsRecordStatus, type DnsRecord } from '../domains/domain.types';
import { domainTrackingHost } from './tracking-hosts';
import { encodeTrackingToken, isHttpUrl } from './tracking-token';

/** What applyTracking needs: the message, the tracking host's base URL and the config (for the secret). */
export interface TrackingOptions {
  messageId: string;
  /** e.g. `https://track.client.com` or the platform's PUBLIC_URL, without a trailing slash. */
  baseUrl: string;
  config: Pick<Config, 'secret' | 'publicUrl'>;
}

/** The attribute that keeps a link out of click tracking; it is removed from the output. */
export const NO_TRACK_ATTRIBUTE = 'data-mr-notrack';

/**
 * The base URL of a domain's tracking links: `https://<trackingSubdomain>.<domain>` once its
 * TRACKING CNAME is VERIFIED, else the platform's PUBLIC_URL. Pure.
 */
export function trackingBaseUrl(domain: { name: string; trackingSubdomain: string | null; dnsRecords: readonly Pick<DnsRecord, 'kind' | 'status'>[] }, config: Pick<Config, 'publicUrl'>): string {
  const verified = domain.dnsRecords.some((r) => r.kind === DnsRecordKind.TRACKING && r.status === DnsRecordStatus.VERIFIED);
  const host = domainTrackingHost(domain);
  return host && verified ? `https://${host}` : config.publicUrl;
}

/** The URL of a tracking open pixel. Pure. */
export function openPixelUrl(opts: TrackingOptions): string {
  return `${opts.baseUrl}/t/o/${encodeTrackingToken(opts.config.secret, { messageId: opts.messageId, kind: 'open' })}.gif`;
}

/** The tracking URL that records a click and redirects to `url`. Pure. */
export function clickUrl(opts: TrackingOptions, url: string): string {
  return `${opts.baseUrl}/t/c/${encodeTrackingToken(opts.config.secret, { messageId: opts.messageId, kind: 'click', url })}`;
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes the character references an href may hold (`&amp;` above all), as a browser would. */
function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

/** Links that must keep working untracked: unsubscribe links (ours or the sender's) and tracking links already rewritten. */
function isExcluded(url: string, opts: TrackingOptions): boolean {
  if (/unsubscribe/i.test(url)) return true;
  return [opts.baseUrl, opts.config.publicUrl].some((base) => url.startsWith(`${base}/u/`) || url.startsWith(`${base}/t/`));
}

// An <a> or <area> start tag; quoted attribute values may contain '>'.
const TAG = /<(a|area)\b((?:[^>"']|"[^"]*"|'[^']*')*)>/gi;
const HREF = /(\shref\s*=\s*)("([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/i;
const NO_TRACK = new RegExp(`\\s${NO_TRACK_ATTRIBUTE}(?:\\s*=\\s*(?:"[^"]*"|'[^']*'|[^\\s"'=<>\`]+))?(?=[\\s/]|$)`, 'i');

function rewriteTag(tag: string, name: string, attrs: string, opts: TrackingOptions): string {
  if (NO_TRACK.test(attrs)) return `<${name}${attrs.replace(NO_TRACK, '')}>`;
  const m = HREF.exec(attrs);
  if (!m) return tag;
  const url = decodeEntities((m[3] ?? m[4] ?? m[5] ?? '').trim());
  if (!isHttpUrl(url) || isExcluded(url, opts)) return tag;
  // Signed as a browser would resolve it (tabs and line breaks inside an href dropped, spaces encoded).
  const replaced = `${m[1]}"${escapeHtml(clickUrl(opts, new URL(url).href))}"`;
  return `<${name}${attrs.slice(0, m.index)}${replaced}${attrs.slice(m.index + m[0].length)}>`;
}

/**
 * Adds tracking to an HTML body: every http(s) link becomes a signed `<baseUrl>/t/c/<token>` URL
 * (except mailto: and other schemes, unsubscribe links and links marked `data-mr-notrack`), and an
 * open pixel is added before `</body>` (or at the end). Pure.
 */
export function applyTracking(html: string, opts: TrackingOptions): string {
  const rewritten = html.replace(TAG, (tag: string, name: string, attrs: string) => rewriteTag(tag, name, attrs, opts));
  const pixel = `<img src="${escapeHtml(openPixelUrl(opts))}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0;margin:0;padding:0" />`;
  const close = rewritten.toLowerCase().lastIndexOf('</body');
  return close === -1 ? rewritten + pixel : rewritten.slice(0, close) + pixel + rewritten.slice(close);
}

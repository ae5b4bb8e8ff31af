import type { Config } from '../../config';

/**
 * Which hosts may serve a message's tracking links (open pixel, click redirect, unsubscribe):
 * the platform's own (PUBLIC_URL's host and `track.<MAILROOM_MAIL_DOMAIN>`, the tracking CNAME
 * target) and the tracking host of the message's own domain. A token on any other host — above
 * all another client's branded tracking host — is refused, so one client's links never become an
 * open redirect or an unsubscribe page on another client's domain. Ports are not compared. Pure.
 */

/** The host name of a Host header, lower-cased, without port and trailing dot; null when absent or malformed. */
export function requestHostname(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string' || header.length === 0 || header.length > 300) return null;
  try {
    const url = new URL(`http://${header}`);
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return null;
    return url.hostname.replace(/\.$/, '') || null;
  } catch {
    return null;
  }
}

/** The platform's own hosts that serve tracking links of every message. */
export function platformTrackingHosts(config: Pick<Config, 'publicUrl' | 'mailDomain'>): string[] {
  return [new URL(config.publicUrl).hostname.replace(/\.$/, ''), `track.${config.mailDomain}`];
}

/** A domain's branded tracking host (`<trackingSubdomain>.<name>`), or null when it has none. */
export function domainTrackingHost(domain: { name: string; trackingSubdomain: string | null }): string | null {
  return domain.trackingSubdomain ? `${domain.trackingSubdomain}.${domain.name}` : null;
}

/** Whether a request's Host header may serve links of a message whose domain's tracking host is `ownHost` (null: none or unknown). */
export function hostServesLinks(header: string | string[] | undefined, config: Pick<Config, 'publicUrl' | 'mailDomain'>, ownHost: string | null): boolean {
  const host = requestHostname(header);
  return host !== null && (host === ownHost || platformTrackingHosts(config).includes(host));
}

import { domainToASCII } from 'node:url';
import { parse } from 'tldts';
import { badInput } from '../../graphql/errors';

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Normalises a domain name (trim, one trailing dot dropped, lower case, IDN → punycode) and checks
 * it is a registrable domain or a subdomain of one under a known public suffix. Throws
 * BAD_USER_INPUT naming `field` otherwise (IP addresses, bare public suffixes, unknown suffixes,
 * labels over 63 or names over 253 characters).
 */
export function normalizeDomainName(raw: string, field = 'name'): string {
  const trimmed = raw.trim().replace(/\.$/, '').toLowerCase();
  if (trimmed === '') throw badInput(field, `${field} must not be empty`);
  if (trimmed.length > 253) throw badInput(field, `${field} must be at most 253 characters`);
  const ascii = domainToASCII(trimmed);
  if (ascii === '') throw badInput(field, `${field} is not a valid domain name`);
  if (ascii.length > 253) throw badInput(field, `${field} must be at most 253 characters once converted to punycode`);
  const parsed = parse(ascii, { extractHostname: false, allowPrivateDomains: true, detectIp: true });
  if (parsed.isIp) throw badInput(field, `${field} must be a domain name, not an IP address`);
  const labels = ascii.split('.');
  if (labels.some((l) => l.length > 63)) throw badInput(field, `${field} has a label longer than 63 characters`);
  if (!labels.every((l) => LABEL.test(l))) throw badInput(field, `${field} may only contain letters, digits and hyphens (not at the start or end of a label)`);
  if (!parsed.isIcann && !parsed.isPrivate) throw badInput(field, `${field} does not end in a known public suffix`);
  if (!parsed.domain) throw badInput(field, `${field} is a public suffix; give a domain registered under it`);
  return ascii;
}

/** Normalises a single DNS label (trim, lower case) or throws BAD_USER_INPUT naming `field`. */
export function normalizeLabel(raw: string, field: string): string {
  const label = raw.trim().toLowerCase();
  if (!LABEL.test(label)) throw badInput(field, `${field} must be a single DNS label: 1–63 letters, digits or hyphens, not starting or ending with a hyphen`);
  return label;
}

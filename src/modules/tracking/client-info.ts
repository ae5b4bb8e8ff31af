import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import UAParser from 'ua-parser-js';

/** Where a mail was read, for analytics: webmail (a browser or a webmail image proxy), a desktop mail program, or a phone/tablet. */
export type ReadingEnvironment = 'webmail' | 'desktop' | 'mobile' | 'unknown';

/** What an open or click event records about the reader. */
export interface ClientInfo {
  ip: string | null;
  country: string | null;
  userAgent: string | null;
  /** The client's name: a browser, a mail program or a webmail proxy. */
  client: string | null;
  clientVersion: string | null;
  os: string | null;
  /** ua-parser-js device type (mobile, tablet, …), `desktop` when it names none. */
  deviceType: string;
  environment: ReadingEnvironment;
}

/** The client's address from the socket (no proxy header is trusted), IPv4-mapped IPv6 unwrapped. */
export function clientIp(req: IncomingMessage): string | null {
  const raw = req.socket.remoteAddress ?? null;
  if (!raw) return null;
  return raw.startsWith('::ffff:') && isIP(raw.slice(7)) === 4 ? raw.slice(7) : raw;
}

// Image proxies of webmail services fetch pixels on the reader's behalf.
const WEBMAIL_PROXIES: [RegExp, string][] = [
  [/GoogleImageProxy/i, 'Gmail'],
  [/YahooMailProxy/i, 'Yahoo Mail'],
  [/Outlook-?Proxy|OutlookImageProxy/i, 'Outlook.com'],
];
const DESKTOP_CLIENTS: [RegExp, string][] = [
  [/Thunderbird\/([\d.]+)/i, 'Thunderbird'],
  [/Microsoft Outlook ([\d.]+)|MSOffice (\d+)|ms-office/i, 'Outlook'],
  [/Windows-Mail|Windows Live Mail/i, 'Windows Mail'],
];

/** Names the client and reading environment of a user agent. Pure. */
export function parseUserAgent(userAgent: string | null): Omit<ClientInfo, 'ip' | 'country'> {
  if (!userAgent) return { userAgent: null, client: null, clientVersion: null, os: null, deviceType: 'unknown', environment: 'unknown' };
  const ua = userAgent.slice(0, 512);
  const r = new UAParser(ua).getResult();
  const deviceType = r.device.type ?? 'desktop';
  const os = r.os.name ?? null;
  const proxy = WEBMAIL_PROXIES.find(([re]) => re.test(ua));
  if (proxy) return { userAgent: ua, client: proxy[1], clientVersion: null, os: null, deviceType: 'unknown', environment: 'webmail' };
  const mobile = deviceType === 'mobile' || deviceType === 'tablet' || deviceType === 'wearable';
  const desktop = DESKTOP_CLIENTS.find(([re]) => re.test(ua));
  if (desktop) {
    const version = desktop[0].exec(ua)?.slice(1).find(Boolean) ?? null;
    return { userAgent: ua, client: desktop[1], clientVersion: version, os, deviceType, environment: mobile ? 'mobile' : 'desktop' };
  }
  const client = r.browser.name ?? null;
  // Apple Mail renders with WebKit and names no browser (ua-parser-js calls it plain WebKit).
  if ((!client || client === 'WebKit') && /AppleWebKit/i.test(ua) && /Macintosh|iPhone|iPad/i.test(ua)) {
    return { userAgent: ua, client: 'Apple Mail', clientVersion: null, os, deviceType, environment: mobile ? 'mobile' : 'desktop' };
  }
  const environment: ReadingEnvironment = mobile ? 'mobile' : client ? 'webmail' : 'unknown';
  return { userAgent: ua, client, clientVersion: r.browser.version ?? null, os, deviceType, environment };
}

interface GeoIp {
  lookup(ip: string): { country: string } | null;
}
let geo: GeoIp | null = null;

function isPublicAddress(ip: string): boolean {
  if (isIP(ip) === 4) {
    const [a, b] = ip.split('.').map(Number);
    return !(a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || a >= 224);
  }
  const v6 = ip.toLowerCase();
  return isIP(v6) === 6 && v6 !== '::1' && v6 !== '::' && !/^(fe[89ab]|f[cd])/.test(v6);
}

/**
 * The ISO country code of an address from geoip-lite's offline database (shipped in the package;
 * loaded on first use, ~150 MB and half a second, so private and loopback addresses never load it).
 */
export async function countryOf(ip: string | null): Promise<string | null> {
  if (!ip || !isPublicAddress(ip)) return null;
  if (!geo) {
    const mod = (await import('geoip-lite')) as unknown as GeoIp & { default?: GeoIp };
    geo = mod.default ?? mod;
  }
  return geo.lookup(ip)?.country || null;
}

/** Everything an engagement event records about the request's client. */
export async function clientInfo(req: IncomingMessage): Promise<ClientInfo> {
  const ip = clientIp(req);
  const ua = req.headers['user-agent'];
  return { ip, country: await countryOf(ip), ...parseUserAgent(typeof ua === 'string' && ua ? ua : null) };
}

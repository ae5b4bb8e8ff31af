import { describe, expect, it } from 'vitest';
import { countryOf, parseUserAgent } from './client-info';

describe('parseUserAgent', () => {
  it('names browser, OS, device type and reading environment', () => {
    expect(parseUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1')).toMatchObject({
      client: 'Mobile Safari',
      os: 'iOS',
      deviceType: 'mobile',
      environment: 'mobile',
    });
    expect(parseUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36')).toMatchObject({
      client: 'Chrome',
      clientVersion: '131.0.0.0',
      os: 'Windows',
      deviceType: 'desktop',
      environment: 'webmail',
    });
  });

  it('recognises webmail image proxies and desktop mail programs', () => {
    expect(parseUserAgent('Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)')).toMatchObject({ client: 'Gmail', environment: 'webmail' });
    expect(parseUserAgent('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Thunderbird/128.5.0')).toMatchObject({
      client: 'Thunderbird',
      clientVersion: '128.5.0',
      os: 'Linux',
      environment: 'desktop',
    });
    expect(parseUserAgent('Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)')).toMatchObject({ client: 'Outlook', environment: 'desktop' });
    expect(parseUserAgent('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)')).toMatchObject({ client: 'Apple Mail', os: 'Mac OS', environment: 'desktop' });
    expect(parseUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148')).toMatchObject({
      client: 'Apple Mail',
      os: 'iOS',
      environment: 'mobile',
    });
  });

  it('copes with no user agent', () => {
    expect(parseUserAgent(null)).toEqual({ userAgent: null, client: null, clientVersion: null, os: null, deviceType: 'unknown', environment: 'unknown' });
  });
});

describe('countryOf', () => {
  it('looks public addresses up in the offline database and skips private ones', async () => {
    expect(await countryOf('127.0.0.1')).toBeNull();
    expect(await countryOf('192.168.1.10')).toBeNull();
    expect(await countryOf('::1')).toBeNull();
    expect(await countryOf(null)).toBeNull();
    expect(await countryOf('81.2.69.142')).toBe('GB');
    expect(await countryOf('8.8.8.8')).toBe('US');
  });
});

import { describe, expect, it } from 'vitest';
import { DnsRecordKind, DnsRecordStatus } from '../domains/domain.types';
import { applyTracking, trackingBaseUrl } from './apply-tracking';
import { verifyTrackingToken } from './tracking-token';

const secret = Buffer.from('unit-test-secret-unit-test-secret');
const config = { secret, publicUrl: 'https://app.mailroom.example' };
const messageId = '0196f0b2-1c1e-7a4b-9f00-2b1f6c1f0001';
const opts = { messageId, baseUrl: 'https://track.client.example', config };

function clickTargets(html: string): string[] {
  return [...html.matchAll(/href="https:\/\/track\.client\.example\/t\/c\/([^"]+)"/g)].map((m) => verifyTrackingToken(secret, m[1], 'click')!.url!);
}

describe('applyTracking', () => {
  it('rewrites http(s) links to signed click URLs, decoding entities, in <a> and <area> with any quoting', () => {
    const html = `<html><body><a href="https://shop.example/p?a=1&amp;b=2">Shop</a> <A class='x' HREF='http://blog.example/'>Blog</A> <a href=https://bare.example/x>bare</a><map><area shape="rect" href="https://area.example/"></map></body></html>`;
    const out = applyTracking(html, opts);
    expect(clickTargets(out)).toEqual(['https://shop.example/p?a=1&b=2', 'https://bare.example/x', 'https://area.example/']);
    expect(out).toMatch(/<A class='x' HREF="https:\/\/track\.client\.example\/t\/c\/[^"]+">Blog<\/A>/);
    expect(out).toContain('>Shop</a>');
  });

  it('signs the URL as a browser resolves it, so no line break can reach the Location header', () => {
    const out = applyTracking('<a href="https://shop.example/a\n  b?q=1 2">x</a>', opts);
    expect(clickTargets(out)).toEqual(['https://shop.example/a%20%20b?q=1%202']);
  });

  it('leaves mailto:, tel:, anchors, relative links, unsubscribe links and data-mr-notrack links alone (and drops the marker)', () => {
    const html = [
      '<a href="mailto:help@client.example">mail</a>',
      '<a href="tel:+4412345">call</a>',
      '<a href="#top">top</a>',
      '<a href="/relative">rel</a>',
      '<a href="https://app.mailroom.example/u/abc.def">unsub</a>',
      '<a href="https://client.example/unsubscribe?u=1">their unsub</a>',
      '<a data-mr-notrack href="https://private.example/">private</a>',
      '<a href="https://keep.example/" data-mr-notrack="true" title="t">kept</a>',
    ].join('');
    const out = applyTracking(html, opts);
    expect(out).not.toContain('/t/c/');
    expect(out).toContain('<a href="mailto:help@client.example">');
    expect(out).toContain('<a href="https://app.mailroom.example/u/abc.def">');
    expect(out).toContain('<a href="https://private.example/">private</a>');
    expect(out).toContain('<a href="https://keep.example/" title="t">kept</a>');
  });

  it('adds one open pixel before </body>, or at the end without one', () => {
    const out = applyTracking('<html><body><p>Hi</p></BODY></html>', opts);
    const pixel = /<img src="https:\/\/track\.client\.example\/t\/o\/([^"]+)\.gif" width="1" height="1" alt=""[^>]*\/><\/BODY><\/html>$/.exec(out);
    expect(pixel).not.toBeNull();
    expect(verifyTrackingToken(secret, pixel![1], 'open')).toEqual({ messageId, kind: 'open' });
    expect(applyTracking('<p>fragment</p>', opts)).toMatch(/^<p>fragment<\/p><img src="https:\/\/track\.client\.example\/t\/o\/[^"]+\.gif"/);
  });

  it('does not re-wrap links already tracked', () => {
    const once = applyTracking('<body><a href="https://shop.example/">x</a></body>', opts);
    const twice = applyTracking(once.replace(/<img[^>]*>/, ''), opts);
    expect(clickTargets(twice)).toEqual(['https://shop.example/']);
  });
});

describe('trackingBaseUrl', () => {
  const domain = { name: 'client.example', trackingSubdomain: 'track', dnsRecords: [{ kind: DnsRecordKind.TRACKING, status: DnsRecordStatus.VERIFIED }] };
  it('uses the tracking host once its CNAME is verified, else the public URL', () => {
    expect(trackingBaseUrl(domain, config)).toBe('https://track.client.example');
    expect(trackingBaseUrl({ ...domain, dnsRecords: [{ kind: DnsRecordKind.TRACKING, status: DnsRecordStatus.MISSING }] }, config)).toBe('https://app.mailroom.example');
    expect(trackingBaseUrl({ ...domain, trackingSubdomain: null }, config)).toBe('https://app.mailroom.example');
    expect(trackingBaseUrl({ ...domain, dnsRecords: [{ kind: DnsRecordKind.RETURN_PATH, status: DnsRecordStatus.VERIFIED }] }, config)).toBe('https://app.mailroom.example');
  });
});

import { describe, expect, it } from 'vitest';
import { domainTrackingHost, hostServesLinks, platformTrackingHosts, requestHostname } from './tracking-hosts';

const config = { publicUrl: 'https://app.mailroom.example:8443', mailDomain: 'mailroom.example' };

describe('tracking hosts', () => {
  it('normalises a Host header to its host name', () => {
    expect(requestHostname('Track.Client.Example:443')).toBe('track.client.example');
    expect(requestHostname('track.client.example.')).toBe('track.client.example');
    expect(requestHostname('[::1]:4000')).toBe('[::1]');
    for (const bad of [undefined, '', 'a b', 'user@host', 'host/path', 'host?q', ['a', 'b']]) expect(requestHostname(bad as never)).toBeNull();
  });

  it('serves a message’s links on its own tracking host and the platform’s hosts only', () => {
    expect(platformTrackingHosts(config)).toEqual(['app.mailroom.example', 'track.mailroom.example']);
    const own = domainTrackingHost({ name: 'client-b.example', trackingSubdomain: 'links' });
    expect(own).toBe('links.client-b.example');
    expect(domainTrackingHost({ name: 'client-b.example', trackingSubdomain: null })).toBeNull();
    for (const host of ['links.client-b.example', 'LINKS.client-b.example:443', 'app.mailroom.example', 'track.mailroom.example:80']) expect(hostServesLinks(host, config, own)).toBe(true);
    for (const host of ['track.client-a.example', 'client-b.example', 'x.links.client-b.example', 'mailroom.example', undefined]) expect(hostServesLinks(host, config, own)).toBe(false);
    expect(hostServesLinks('links.client-b.example', config, null)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { sign } from '../../lib/crypto';
import { encodeTrackingToken, verifyTrackingToken } from './tracking-token';

const secret = Buffer.from('unit-test-secret-unit-test-secret');
const messageId = '0196f0b2-1c1e-7a4b-9f00-2b1f6c1f0001';

describe('tracking tokens', () => {
  it('round-trips open and click claims', () => {
    const open = encodeTrackingToken(secret, { messageId, kind: 'open' });
    expect(verifyTrackingToken(secret, open, 'open')).toEqual({ messageId, kind: 'open' });
    const click = encodeTrackingToken(secret, { messageId, kind: 'click', url: 'https://shop.example/p?a=1&b=2#x' });
    expect(verifyTrackingToken(secret, click, 'click')).toEqual({ messageId, kind: 'click', url: 'https://shop.example/p?a=1&b=2#x' });
    const payload = JSON.parse(Buffer.from(click.split('.')[0], 'base64url').toString('utf8'));
    expect(payload).toEqual({ m: messageId, k: 'click', u: 'https://shop.example/p?a=1&b=2#x' });
  });

  it('refuses a token of the other kind, another secret, an altered payload or signature', () => {
    const click = encodeTrackingToken(secret, { messageId, kind: 'click', url: 'https://shop.example/' });
    expect(verifyTrackingToken(secret, click, 'open')).toBeNull();
    expect(verifyTrackingToken(Buffer.from('another-secret-another-secret'), click, 'click')).toBeNull();
    const [payload, sig] = click.split('.');
    const evil = Buffer.from(JSON.stringify({ m: messageId, k: 'click', u: 'https://evil.example/' })).toString('base64url');
    expect(verifyTrackingToken(secret, `${evil}.${sig}`, 'click')).toBeNull();
    expect(verifyTrackingToken(secret, `${payload}.${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`, 'click')).toBeNull();
    expect(verifyTrackingToken(secret, payload, 'click')).toBeNull();
    expect(verifyTrackingToken(secret, '', 'click')).toBeNull();
  });

  it('refuses signed payloads that are not well-formed claims (no uuid, non-http URL)', () => {
    const forge = (wire: object) => {
      const p = Buffer.from(JSON.stringify(wire)).toString('base64url');
      return `${p}.${sign(secret, 'tracking', p)}`;
    };
    expect(verifyTrackingToken(secret, forge({ m: 'not-a-uuid', k: 'open' }), 'open')).toBeNull();
    expect(verifyTrackingToken(secret, forge({ m: messageId, k: 'click', u: 'javascript:alert(1)' }), 'click')).toBeNull();
    expect(verifyTrackingToken(secret, forge({ m: messageId, k: 'click' }), 'click')).toBeNull();
    const p = Buffer.from('{not json').toString('base64url');
    expect(verifyTrackingToken(secret, `${p}.${sign(secret, 'tracking', p)}`, 'open')).toBeNull();
  });

  it('is not valid as an unsubscribe signature (purposes are separate keys)', () => {
    expect(sign(secret, 'tracking', messageId)).not.toBe(sign(secret, 'unsubscribe', messageId));
  });
});

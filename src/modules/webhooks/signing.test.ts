import { Webhook as StandardWebhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, signatureHeader, signedHeaders } from './signing';

describe('Standard Webhooks signing', () => {
  it('matches the standardwebhooks library, and a header with two signatures verifies with either secret', () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    const ts = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ type: 'activity.sent', data: { é: 'ü' } });
    expect(signatureHeader([a], 'msg_1', ts, body)).toBe(new StandardWebhook(a).sign('msg_1', new Date(ts * 1000), body));
    const headers = signedHeaders([b, a], 'msg_1', ts, body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new StandardWebhook(a).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new StandardWebhook(b).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new StandardWebhook(generateWebhookSecret()).verify(body, headers)).toThrow();
  });
});

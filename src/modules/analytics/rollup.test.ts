import { describe, expect, it } from 'vitest';
import type { EventRow } from '../../events/event-row';
import { ActivityEventType as T } from '../../events/event-type';
import { aggregate, environmentOf, hourOf, readerKeys } from './rollup';

const base = { accountId: 'a', messageId: 'm1', tenantId: 't', domainId: 'd', senderIdentityId: null, recipient: 'r@x', data: {} };
const ev = (id: string, type: T, at: string, tags: string[] = [], data: Record<string, unknown> = {}, messageId = 'm1'): EventRow => ({
  ...base,
  id,
  type,
  occurredAt: new Date(at),
  tags,
  data,
  messageId,
});

describe('aggregate', () => {
  it('counts each event once in its null-tag row and once per distinct tag, by UTC hour and template', () => {
    const { hourly } = aggregate(
      [
        ev('1', T.SENT, '2026-01-01T10:05:00Z', ['a', 'b', 'a']),
        ev('2', T.DELIVERED, '2026-01-01T10:59:59Z', ['a', 'b']),
        ev('3', T.SENT, '2026-01-01T11:00:00Z', [], {}, 'm2'),
        ev('4', T.RENDER_FAILED, '2026-01-01T10:00:00Z'),
      ],
      new Map([['m1', 'tpl']]),
    );
    const rows = hourly.map((r) => [r.hour, r.tag, r.template_id, r.sent, r.delivered]);
    expect(rows).toEqual([
      ['2026-01-01T10:00:00.000Z', null, 'tpl', 1, 1],
      ['2026-01-01T10:00:00.000Z', 'a', 'tpl', 1, 1],
      ['2026-01-01T10:00:00.000Z', 'b', 'tpl', 1, 1],
      ['2026-01-01T11:00:00.000Z', null, null, 1, 0],
    ]);
  });

  it('rolls up the reader of opens and clicks by country, client and environment', () => {
    const { engagement } = aggregate([ev('1', T.OPENED, '2026-01-01T10:00:00Z', [], { country: 'de', client: 'Gmail', environment: 'webmail' }), ev('2', T.SENT, '2026-01-01T10:00:00Z')], new Map());
    expect(engagement.map((r) => [r.type, r.dimension, r.key, r.count])).toEqual([
      ['OPENED', 'COUNTRY', 'DE', 1],
      ['OPENED', 'CLIENT', 'Gmail', 1],
      ['OPENED', 'ENVIRONMENT', 'WEBMAIL', 1],
    ]);
  });
});

describe('reader keys', () => {
  it('names unknown readers UNKNOWN and OTHER', () => {
    expect(readerKeys({})).toEqual([
      ['COUNTRY', 'UNKNOWN'],
      ['CLIENT', 'UNKNOWN'],
      ['ENVIRONMENT', 'OTHER'],
    ]);
    expect(environmentOf({ environment: 'mobile' })).toBe('MOBILE');
    expect(hourOf(new Date('2026-03-29T01:59:59.999Z'))).toBe('2026-03-29T01:00:00.000Z');
  });
});

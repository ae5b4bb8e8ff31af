import { describe, expect, it } from 'vitest';
import type { EventRow } from '../../events/event-row';
import { ActivityEventType as T } from '../../events/event-type';
import { pgArray } from './rollup-writes.queries';
import { aggregate, environmentOf, hourOf, readerOf } from './rollup';

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

  it('rolls up the reader of opens and clicks (country, client, environment), an open and its unique open in one row', () => {
    const reader = { country: 'de', client: 'Gmail', environment: 'webmail' };
    const { engagement } = aggregate(
      [
        ev('1', T.OPENED, '2026-01-01T10:00:00Z', [], reader),
        ev('2', T.OPENED_UNIQUE, '2026-01-01T10:00:00Z', [], reader),
        ev('3', T.CLICKED, '2026-01-01T10:30:00Z', [], {}),
        ev('4', T.SENT, '2026-01-01T10:00:00Z'),
      ],
      new Map(),
    );
    expect(engagement.map((r) => [r.country, r.client, r.environment, r.opened, r.opened_unique, r.clicked, r.clicked_unique])).toEqual([
      ['DE', 'Gmail', 'WEBMAIL', 1, 1, 0, 0],
      ['UNKNOWN', 'UNKNOWN', 'OTHER', 0, 0, 1, 0],
    ]);
  });
});

describe('reader keys', () => {
  it('names unknown readers UNKNOWN and OTHER', () => {
    expect(readerOf({})).toEqual({ country: 'UNKNOWN', client: 'UNKNOWN', environment: 'OTHER' });
    expect(environmentOf({ environment: 'mobile' })).toBe('MOBILE');
    expect(hourOf(new Date('2026-03-29T01:59:59.999Z'))).toBe('2026-03-29T01:00:00.000Z');
  });
});

describe('pgArray', () => {
  it('quotes every text element and escapes quotes and backslashes; null is NULL', () => {
    expect(pgArray(['a', null, 'say "hi"', 'back\\slash', 'NULL', '{x,y}', 3])).toBe('{"a",NULL,"say \\"hi\\"","back\\\\slash","NULL","{x,y}",3}');
  });
});

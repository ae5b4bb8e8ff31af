import { describe, expect, it } from 'vitest';
import { toGlobalId } from '../../graphql/global-id';
import { MessageStatus } from '../sending/message.types';
import { bulkEmailsWhere, containsPattern, messagesWhere } from './message-list.filter';

const ID = '01890000-0000-7000-8000-000000000001';

describe('containsPattern', () => {
  it('escapes LIKE wildcards and the escape character, and matches anywhere', () => {
    expect(containsPattern('100%')).toBe('%100\\%%');
    expect(containsPattern('a_b')).toBe('%a\\_b%');
    expect(containsPattern('back\\slash')).toBe('%back\\\\slash%');
    expect(containsPattern('plain')).toBe('%plain%');
  });
});

describe('messagesWhere', () => {
  it('decodes ids, normalises addresses and builds ranges', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date('2026-01-02T00:00:00Z');
    expect(
      messagesWhere({
        status: [MessageStatus.SCHEDULED, MessageStatus.SCHEDULED],
        tenantId: toGlobalId('Tenant', ID),
        domainIds: [toGlobalId('Domain', ID)],
        recipient: ' Someone@Example.COM ',
        subject: 'Hi',
        tags: ['a'],
        createdFrom: from,
        sendAtTo: to,
      }),
    ).toEqual({
      status: { $in: ['SCHEDULED'] },
      tenant: ID,
      domain: { $in: [ID] },
      recipient: 'someone@example.com',
      subject: { $ilike: '%Hi%' },
      tags: { $overlap: ['a'] },
      createdAt: { $gte: from },
      sendAt: { $lt: to },
    });
    expect(messagesWhere(null)).toEqual({});
    expect(messagesWhere({ domainIds: [], tags: [] })).toEqual({});
  });

  it('names the offending field', () => {
    const at = new Date();
    expect(() => messagesWhere({ bulkEmailId: toGlobalId('Domain', ID) })).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ field: 'filter.bulkEmailId' }) }));
    expect(() => messagesWhere({ createdFrom: at, createdTo: at })).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ field: 'filter.createdTo' }) }));
    expect(() => bulkEmailsWhere({ createdFrom: at, createdTo: at })).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ field: 'filter.createdTo' }) }));
  });
});

import { describe, expect, it } from 'vitest';
import { ActivityEventType as E } from '../../events/event-type';
import { Message } from './message.entity';
import { statusAfter } from './message-status';
import { MessageStatus as S } from './message.types';

describe('statusAfter', () => {
  it('moves a message forward on delivery outcomes', () => {
    expect(statusAfter(S.QUEUED, E.SENT)).toBe(S.SENT);
    expect(statusAfter(S.SENT, E.DELIVERED)).toBe(S.DELIVERED);
    expect(statusAfter(S.SENT, E.DEFERRED)).toBe(S.DEFERRED);
    expect(statusAfter(S.DEFERRED, E.DELIVERED)).toBe(S.DELIVERED);
    expect(statusAfter(S.DELIVERED, E.HARD_BOUNCED)).toBe(S.HARD_BOUNCED);
    expect(statusAfter(S.DELIVERED, E.SOFT_BOUNCED)).toBe(S.SOFT_BOUNCED);
  });

  it('cancels only a scheduled message, and fails a render only while the message is deliverable', () => {
    expect(statusAfter(S.SCHEDULED, E.CANCELLED)).toBe(S.CANCELLED);
    expect(statusAfter(S.QUEUED, E.CANCELLED)).toBeNull();
    expect(statusAfter(S.SCHEDULED, E.RENDER_FAILED)).toBe(S.RENDER_FAILED);
    expect(statusAfter(S.SENT, E.RENDER_FAILED)).toBeNull();
  });

  it('never lets a late report undo a later outcome, and never leaves a final state', () => {
    expect(statusAfter(S.DELIVERED, E.DEFERRED)).toBeNull();
    expect(statusAfter(S.DELIVERED, E.SENT)).toBeNull();
    expect(statusAfter(S.HARD_BOUNCED, E.DELIVERED)).toBeNull();
    expect(statusAfter(S.HARD_BOUNCED, E.SOFT_BOUNCED)).toBeNull();
    expect(statusAfter(S.CANCELLED, E.HARD_BOUNCED)).toBeNull();
    expect(statusAfter(S.RENDER_FAILED, E.SENT)).toBeNull();
  });

  it('leaves the status alone for the first event, engagement and complaints', () => {
    for (const t of [E.QUEUED, E.OPENED, E.CLICKED, E.UNSUBSCRIBED, E.SPAM_COMPLAINT]) expect(statusAfter(S.DELIVERED, t)).toBeNull();
  });
});

describe('Message.applyEvent', () => {
  it('sets status, last response and completion time', () => {
    const m = Object.assign(new Message(), { status: S.SENT });
    const at = new Date('2026-11-25T10:00:00Z');
    expect(m.applyEvent(E.HARD_BOUNCED, at, '550 5.1.1 User unknown')).toBe(true);
    expect(m).toMatchObject({ status: S.HARD_BOUNCED, lastResponse: '550 5.1.1 User unknown', completedAt: at });
    expect(m.applyEvent(E.DELIVERED, at, '250 ok')).toBe(false);
    expect(m.lastResponse).toBe('550 5.1.1 User unknown');
  });

  it('defers with the reply and no completion, and keeps the last reply when a report has none', () => {
    const m = Object.assign(new Message(), { status: S.QUEUED });
    expect(m.applyEvent(E.DEFERRED, new Date(), '451 4.7.1 Greylisted')).toBe(true);
    expect(m).toMatchObject({ status: S.DEFERRED, lastResponse: '451 4.7.1 Greylisted', completedAt: null });
    expect(m.applyEvent(E.DELIVERED, new Date(), null)).toBe(true);
    expect(m).toMatchObject({ status: S.DELIVERED, lastResponse: '451 4.7.1 Greylisted' });
    expect(m.applyEvent(E.SPAM_COMPLAINT, new Date(), 'x')).toBe(false);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ActivityEventType } from '../../events/event-type';
import { classifyDsnRecipient, parseFieldGroups, parseFeedbackReport, parseReport, reportEvent } from './parse-report';
import { parseVerpAddress, returnPathHost } from './verp';

const sample = (name: string) => readFileSync(join(__dirname, 'fixtures', name));

describe('parseReport: DSNs (RFC 3464)', () => {
  it('reads a Postfix "user unknown" bounce as a hard bounce with its folded diagnostic', async () => {
    const report = await parseReport(sample('postfix-user-unknown.eml'));
    expect(report).toEqual({
      kind: 'bounce',
      reportingMta: 'dns; mx1.example.net',
      recipients: [
        {
          finalRecipient: 'jane@example.net',
          originalRecipient: 'jane@example.net',
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: 'smtp; 550 5.1.1 <jane@example.net>: Recipient address rejected: User unknown in virtual mailbox table',
          remoteMta: 'dns; mail.example.net',
        },
      ],
    });
    const event = reportEvent(report!, 'Jane@Example.net');
    expect(event?.type).toBe(ActivityEventType.HARD_BOUNCED);
    expect(event?.data).toMatchObject({ source: 'dsn', status: '5.1.1', reportingMta: 'dns; mx1.example.net' });
    expect(event?.response).toContain('User unknown');
  });

  it('reads a queue-lifetime expiry (failed with 4.x.x) as a soft bounce', async () => {
    const report = await parseReport(sample('postfix-expired.eml'));
    const event = reportEvent(report!, 'jane@example.net');
    expect(event?.type).toBe(ActivityEventType.SOFT_BOUNCED);
    expect(event?.data).toMatchObject({ action: 'failed', status: '4.4.1', diagnosticCode: 'X-Postfix; connect to mail.example.net[203.0.113.25]:25: Connection timed out' });
  });

  it('reads a Gmail delay notice (nested multipart/related, delayed 4.2.2) as a soft bounce', async () => {
    const report = await parseReport(sample('gmail-delayed.eml'));
    expect(report?.kind).toBe('bounce');
    const event = reportEvent(report!, 'jane@example.net');
    expect(event?.type).toBe(ActivityEventType.SOFT_BOUNCED);
    expect(event?.data).toMatchObject({ action: 'delayed', status: '4.2.2', reportingMta: 'dns; googlemail.com' });
    expect(String(event?.data.remoteMta)).toContain('the server for the domain example.net.');
  });

  it('picks the failed block of a multi-recipient Exchange NDR by original recipient, ignoring delivered ones', async () => {
    const report = await parseReport(sample('exchange-multi.eml'));
    expect(report?.kind === 'bounce' && report.recipients.map((r) => r.action)).toEqual(['failed', 'delivered']);
    const event = reportEvent(report!, 'jane@example.net');
    expect(event?.type).toBe(ActivityEventType.HARD_BOUNCED);
    expect(event?.data).toMatchObject({ finalRecipient: 'jane.doe@corp.example.org', originalRecipient: 'jane@example.net', status: '5.1.10' });
  });

  it('records nothing for a DSN that only reports success', () => {
    const ok = {
      kind: 'bounce' as const,
      reportingMta: null,
      recipients: [{ finalRecipient: 'a@b.c', originalRecipient: null, action: 'delivered', status: '2.0.0', diagnosticCode: null, remoteMta: null }],
    };
    expect(reportEvent(ok, 'a@b.c')).toBeNull();
  });

  it('returns null for mail that is no report (an out-of-office reply) and for garbage', async () => {
    expect(await parseReport(sample('out-of-office.eml'))).toBeNull();
    expect(await parseReport('not a mail at all')).toBeNull();
  });
});

describe('classifyDsnRecipient', () => {
  it('maps action and status class to bounce kinds', () => {
    expect(classifyDsnRecipient({ action: 'failed', status: '5.7.1' })).toBe(ActivityEventType.HARD_BOUNCED);
    expect(classifyDsnRecipient({ action: 'failed', status: '4.2.2' })).toBe(ActivityEventType.SOFT_BOUNCED);
    expect(classifyDsnRecipient({ action: 'failed', status: null })).toBe(ActivityEventType.HARD_BOUNCED);
    expect(classifyDsnRecipient({ action: 'delayed', status: '4.4.7' })).toBe(ActivityEventType.SOFT_BOUNCED);
    expect(classifyDsnRecipient({ action: 'relayed', status: '2.0.0' })).toBeNull();
    expect(classifyDsnRecipient({ action: 'expanded', status: '2.0.0' })).toBeNull();
  });
});

describe('parseReport: ARF complaints (RFC 5965)', () => {
  it('reads an abuse report as a spam complaint with its feedback type, user agent and source', async () => {
    const report = await parseReport(sample('arf-abuse.eml'));
    expect(report).toEqual({
      kind: 'complaint',
      feedbackType: 'abuse',
      userAgent: 'SomeGenerator/1.0',
      reportingMta: 'dns; mail.example.com',
      sourceIp: '192.0.2.1',
      originalRcptTo: ['jane@example.net'],
      arrivalDate: 'Tue, 25 Nov 2026 13:59:00 -0500',
    });
    const event = reportEvent(report!, 'jane@example.net');
    expect(event).toMatchObject({ type: ActivityEventType.SPAM_COMPLAINT, response: null, data: { source: 'arf', feedbackType: 'abuse', userAgent: 'SomeGenerator/1.0' } });
  });

  it('decodes a base64-encoded feedback-report part', async () => {
    const text = sample('arf-abuse.eml').toString('utf8');
    const fields = 'Feedback-Type: fraud\r\nUser-Agent: Yahoo!-Mail-Feedback/2.0\r\nVersion: 1\r\nOriginal-Rcpt-To: jane@example.net\r\n';
    const encoded = text.replace(
      /Content-Type: message\/feedback-report\n\n[\s\S]*?\n\n--part1/,
      `Content-Type: message/feedback-report\nContent-Transfer-Encoding: base64\n\n${Buffer.from(fields).toString('base64')}\n\n--part1`,
    );
    const report = await parseReport(encoded);
    expect(report).toMatchObject({ kind: 'complaint', feedbackType: 'fraud', userAgent: 'Yahoo!-Mail-Feedback/2.0' });
  });

  it('does not count "not-spam" votes or authentication failure reports as complaints', () => {
    expect(reportEvent(parseFeedbackReport('Feedback-Type: not-spam\nUser-Agent: x/1\nVersion: 1\n'), 'a@b.c')).toBeNull();
    expect(reportEvent(parseFeedbackReport('Feedback-Type: auth-failure\nUser-Agent: x/1\nVersion: 1\n'), 'a@b.c')).toBeNull();
  });
});

describe('parseFieldGroups', () => {
  it('splits groups on blank lines, unfolds continuation lines and keeps repeated fields', () => {
    const groups = parseFieldGroups('A: 1\r\nB: two\r\n  lines\r\n\r\nC: x\nC: y\n\n\n');
    expect(groups).toEqual([
      new Map([
        ['a', ['1']],
        ['b', ['two lines']],
      ]),
      new Map([['c', ['x', 'y']]]),
    ]);
  });
});

describe('VERP addresses', () => {
  it('parses bounce+<token>@<host>, keeping the token case and lower-casing the host', () => {
    expect(parseVerpAddress('bounce+Qm9ZbGx1c3RyYXRpb24x@MR.Client.TEST')).toEqual({ token: 'Qm9ZbGx1c3RyYXRpb24x', host: 'mr.client.test' });
    expect(parseVerpAddress('postmaster@mr.client.test')).toBeNull();
    expect(parseVerpAddress('bounce+short@mr.client.test')).toBeNull();
    expect(parseVerpAddress('bounce+abc/../defghij@mr.client.test')).toBeNull();
    expect(returnPathHost({ name: 'client.test', returnPathSubdomain: 'mr' })).toBe('mr.client.test');
  });
});

import { describe, expect, it } from 'vitest';
import { renderConfirmationEmail } from './confirmation-email';

const base = { publicUrl: 'https://api.example.test', token: 'mr_link_abc123', email: 'alice@client.test', name: 'Alice', accountName: 'Agency', personalNote: null };

describe('renderConfirmationEmail', () => {
  it('puts the link and the note in both parts', () => {
    const m = renderConfirmationEmail({ ...base, personalNote: 'Hi Alice,\nplease click.' });
    const link = 'https://api.example.test/confirm-sender?token=mr_link_abc123';
    expect(m.subject).toBe('Confirm alice@client.test as a sender address');
    expect(m.text).toContain(link);
    expect(m.text).toContain('Hi Alice,\nplease click.');
    expect(m.html).toContain(`href="${link}"`);
    expect(m.html).toContain('please click.');
  });

  it('escapes the note, the name and the account name in HTML', () => {
    const m = renderConfirmationEmail({ ...base, name: '<b>Al</b>', accountName: 'A&B "Agency"', personalNote: '<script>alert(1)</script>' });
    expect(m.html).not.toContain('<script>');
    expect(m.html).not.toContain('<b>Al</b>');
    expect(m.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(m.html).toContain('A&amp;B &quot;Agency&quot;');
    expect(renderConfirmationEmail(base).text).not.toContain('A note from');
    expect(renderConfirmationEmail(base).html).not.toContain('blockquote');
  });
});

import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactDocument, redactValue, redactVariables } from './redact';

describe('redaction', () => {
  it('replaces literal secrets and content in the document and finds the variables and aliases they flow through', () => {
    const doc = parse(`mutation M($p: String!, $name: String) {
      login(input: { email: "a@b.c", password: "hunter2" }) { tok: token }
      other: createTemplate(input: { name: $name, html: "<p>body</p>", text: $p }) { template { id html } }
    }`);
    const { query, keys } = redactDocument(doc);
    expect(query).not.toContain('hunter2');
    expect(query).not.toContain('<p>body</p>');
    expect(query).toContain('a@b.c');
    expect([...keys.variables]).toEqual(['p']);
    expect([...keys.responseKeys].sort()).toEqual(['html', 'tok']);
    expect(redactVariables({ p: 'secret text', name: 'Welcome' }, keys)).toEqual({ p: REDACTED, name: 'Welcome' });
    expect(redactValue({ login: { tok: 'mr_sess_x' }, other: { template: { id: '1', html: '<b>x</b>' } } }, keys.responseKeys)).toEqual({
      login: { tok: REDACTED },
      other: { template: { id: '1', html: REDACTED } },
    });
  });

  it('redacts sensitive keys at any depth of variables', () => {
    const keys = redactDocument(parse('mutation { x }')).keys;
    expect(redactVariables({ input: { to: [{ email: 'r@x.y' }], subject: 'Hi', variables: { code: 1 }, signingSecret: 'whsec_1' } }, keys)).toEqual({
      input: { to: [{ email: 'r@x.y' }], subject: REDACTED, variables: REDACTED, signingSecret: REDACTED },
    });
  });
});

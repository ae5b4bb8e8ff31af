import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PASSWORD, invitationToken, joinAccount, type MailTestServer, newEmail, startMailTestServer } from './support/members';
import { ok } from './support/harness';
import { InviteMemberDocument } from './generated/graphql';

const LIMITS = {
  trustProxy: true,
  rateLimitLoginPerIp: 5,
  rateLimitLoginFailuresPerAddress: 3,
  rateLimitInvitationPerIp: 6,
  rateLimitInvitationFailuresPerToken: 2,
  rateLimitAttemptWindowSeconds: 900,
  rateLimitApiPerCredential: 8,
  rateLimitApiWindowSeconds: 60,
  wsMaxOperationsPerSocket: 3,
  wsMaxSocketsPerCredential: 2,
};

let s: MailTestServer;
beforeAll(async () => {
  s = await startMailTestServer(LIMITS);
});
afterAll(() => s?.stop());

let ipSeq = 0;
/** A client address of its own for one test (the server trusts X-Forwarded-For here). */
const newIp = () => `198.51.100.${++ipSeq}`;

interface Reply {
  status: number;
  retryAfter: string | null;
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions: Record<string, unknown> }[];
}

async function post(query: string, variables: Record<string, unknown>, opts: { ip?: string; token?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.ip) headers['x-forwarded-for'] = `203.0.113.250, ${opts.ip}`;
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(`${s.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), ...((await res.json()) as object) };
}

const LOGIN = 'mutation($input: LoginInput!) { login(input: $input) { token } }';
const ACCEPT = 'mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { session { token } } }';
const VIEWER = '{ viewer { kind } }';
const code = (r: Reply) => r.errors?.[0]?.extensions.code;

function expectLimited(r: Reply, maxRetry: number) {
  expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
  const retry = r.errors![0].extensions.retryAfter as number;
  expect(retry).toBeGreaterThanOrEqual(1);
  expect(retry).toBeLessThanOrEqual(maxRetry);
}

describe('login and acceptInvitation limits', () => {
  it('stops guessing one address after its failures, even with the right password, while other addresses still answer', async () => {
    const account = await s.newAccount();
    const { email } = await joinAccount(s, account);
    for (let i = 0; i < 3; i++) expect(code(await post(LOGIN, { input: { email, password: `wrong ${i} password` } }, { ip: newIp() }))).toBe('UNAUTHENTICATED');
    const limited = await post(LOGIN, { input: { email: email.toUpperCase(), password: PASSWORD } }, { ip: newIp() });
    expectLimited(limited, 900);
    expect(limited.data?.login ?? null).toBeNull();
    // Another address is not affected; a success does not count against its own.
    const other = await joinAccount(s, account);
    expect(code(await post(LOGIN, { input: { email: other.email, password: 'wrong wrong wrong' } }, { ip: newIp() }))).toBe('UNAUTHENTICATED');
    for (let i = 0; i < 4; i++) expect(await post(LOGIN, { input: { email: other.email, password: PASSWORD } }, { ip: newIp() })).toMatchObject({ data: { login: { token: expect.any(String) } } });
  });

  it('caps the login attempts of one client IP, whatever the addresses', async () => {
    const ip = newIp();
    for (let i = 0; i < 5; i++) expect(code(await post(LOGIN, { input: { email: newEmail(), password: 'not the password' } }, { ip }))).toBe('UNAUTHENTICATED');
    expectLimited(await post(LOGIN, { input: { email: newEmail(), password: 'not the password' } }, { ip }), 900);
    expect(code(await post(LOGIN, { input: { email: newEmail(), password: 'not the password' } }, { ip: newIp() }))).toBe('UNAUTHENTICATED');
  });

  it('stops password guesses on one invitation, and caps the attempts of one client IP', async () => {
    const account = await s.newAccount();
    const { email } = await joinAccount(s, account);
    // The same user invited again: accepting checks the password it already has.
    const other = await s.newAccount('Other agency');
    ok(await s.gql(InviteMemberDocument, { input: { role: 'MANAGER', email } }, other.adminToken));
    await s.inbox.waitFor(email, 2); // the second invitation, not the one already accepted
    const token = await invitationToken(s, email);
    for (let i = 0; i < 2; i++) {
      const guess = await post(ACCEPT, { input: { token, password: `guess number ${i}` } }, { ip: newIp() });
      expect(guess.data?.acceptInvitation ?? null).toBeNull();
      expect(code(guess)).not.toBe('RATE_LIMITED');
    }
    expectLimited(await post(ACCEPT, { input: { token, password: PASSWORD } }, { ip: newIp() }), 900);

    const ip = newIp();
    const bogus = () => `mr_link_${'A'.repeat(43)}`;
    const first = await post(ACCEPT, { input: { token: bogus(), password: PASSWORD } }, { ip });
    expect(code(first)).toBe('BAD_USER_INPUT');
    for (let i = 0; i < 5; i++) expect(code(await post(ACCEPT, { input: { token: `${bogus()}${i}`, password: PASSWORD } }, { ip }))).toBe('BAD_USER_INPUT');
    expectLimited(await post(ACCEPT, { input: { token: bogus(), password: PASSWORD } }, { ip }), 900);
  });
});

describe('per-credential API limit over HTTP', () => {
  it('answers 429 RATE_LIMITED with Retry-After once a token spent its requests; other tokens and sessions count on their own', async () => {
    const a = await s.newAccount();
    const b = await s.newAccount();
    for (let i = 0; i < 8; i++) expect((await post(VIEWER, {}, { token: a.adminToken })).data).toEqual({ viewer: { kind: 'API_TOKEN' } });
    const limited = await post(VIEWER, {}, { token: a.adminToken });
    expect(limited.status).toBe(429);
    expectLimited(limited, 60);
    expect(Number(limited.retryAfter)).toBe(limited.errors![0].extensions.retryAfter);
    expect(limited.data ?? null).toBeNull();
    expect((await post(VIEWER, {}, { token: b.adminToken })).data).toEqual({ viewer: { kind: 'API_TOKEN' } });

    const { session } = await joinAccount(s, b);
    for (let i = 0; i < 8; i++) expect((await post(VIEWER, {}, { token: session })).status).toBe(200);
    expect((await post(VIEWER, {}, { token: session })).status).toBe(429);
  });
});

/** A raw graphql-transport-ws socket: messages by id, and the close code. */
async function openSocket(token: string): Promise<{ ws: WebSocket; acked: Promise<boolean>; closed: Promise<number>; messages: { id?: string; type: string; payload?: unknown }[] }> {
  const ws = new WebSocket(`${s.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
  const messages: { id?: string; type: string; payload?: unknown }[] = [];
  const closed = new Promise<number>((r) => ws.once('close', (c) => r(c)));
  const acked = new Promise<boolean>((resolve) => {
    ws.on('message', (raw) => {
      const m = JSON.parse(String(raw));
      if (m.type === 'connection_ack') resolve(true);
      messages.push(m);
    });
    ws.once('close', () => resolve(false));
  });
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  return { ws, acked, closed, messages };
}

async function waitFor<T>(get: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const ACTIVITY = 'subscription { activity { id } }';

describe('WebSocket caps', () => {
  it('refuses a subscription past the per-socket cap with RATE_LIMITED for that subscription only; a completed one frees its place', async () => {
    const { adminToken } = await s.newAccount();
    const sock = await openSocket(adminToken);
    expect(await sock.acked).toBe(true);
    for (const id of ['1', '2', '3', '4']) sock.ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query: ACTIVITY } }));
    const refused = await waitFor(() => sock.messages.find((m) => m.id === '4'));
    expect(refused).toMatchObject({ type: 'error', payload: [{ message: expect.stringMatching(/at most 3 at once/), extensions: { code: 'RATE_LIMITED', retryAfter: 1, limit: 3 } }] });
    await new Promise((r) => setTimeout(r, 100));
    expect(sock.messages.filter((m) => m.type === 'error')).toHaveLength(1);
    expect(sock.ws.readyState).toBe(WebSocket.OPEN);

    sock.ws.send(JSON.stringify({ id: '2', type: 'complete' }));
    await new Promise((r) => setTimeout(r, 100));
    sock.ws.send(JSON.stringify({ id: '5', type: 'subscribe', payload: { query: ACTIVITY } }));
    await new Promise((r) => setTimeout(r, 200));
    expect(sock.messages.find((m) => m.id === '5')).toBeUndefined(); // accepted: it waits for events, no error
    sock.ws.close();
  });

  it('closes a socket past the per-credential cap with 4429; closing one lets the next in', async () => {
    const { adminToken } = await s.newAccount();
    const one = await openSocket(adminToken);
    const two = await openSocket(adminToken);
    expect([await one.acked, await two.acked]).toEqual([true, true]);
    const three = await openSocket(adminToken);
    expect(await three.acked).toBe(false);
    expect(await three.closed).toBe(4429);
    one.ws.close();
    await one.closed;
    await new Promise((r) => setTimeout(r, 50));
    const four = await openSocket(adminToken);
    expect(await four.acked).toBe(true);
    two.ws.close();
    four.ws.close();
  });

  it('counts every operation on a socket against the credential: past the limit each gets RATE_LIMITED with retryAfter', async () => {
    const { adminToken } = await s.newAccount();
    const sock = await openSocket(adminToken);
    expect(await sock.acked).toBe(true);
    for (let i = 1; i <= 9; i++) {
      sock.ws.send(JSON.stringify({ id: `q${i}`, type: 'subscribe', payload: { query: VIEWER } }));
      await waitFor(() => sock.messages.find((m) => m.id === `q${i}` && (m.type === 'complete' || m.type === 'error')));
    }
    expect(sock.messages.filter((m) => m.type === 'next')).toHaveLength(8);
    const last = sock.messages.find((m) => m.id === 'q9')!;
    expect(last).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) } }] });
    // The same credential over HTTP has spent its requests too.
    expect((await post(VIEWER, {}, { token: adminToken })).status).toBe(429);
    sock.ws.close();
  });
});

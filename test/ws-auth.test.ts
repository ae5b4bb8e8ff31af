import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/harness';
import { wsSession } from './support/ws-client';

let s: TestServer;
let admin: string;
beforeAll(async () => {
  s = await startTestServer();
  admin = (await s.newAccount('WS auth agency')).adminToken;
});
afterAll(() => s?.stop());

const VIEWER = '{ viewer { kind tokenName } }';
const WRONG = 'mr_live_wrongwrongwrongwrongwrongwrong0000';

/** Each form clients send the credential in, with a given token. */
const forms: Record<string, (token: string) => Record<string, unknown>> = {
  'authorization: Bearer …': (t) => ({ authorization: `Bearer ${t}` }),
  'Authorization: Bearer …': (t) => ({ Authorization: `Bearer ${t}` }),
  'headers.Authorization: Bearer …': (t) => ({ headers: { Authorization: `Bearer ${t}` } }),
  'authToken: <token>': (t) => ({ authToken: t }),
  'token: <token>': (t) => ({ token: t }),
};

describe('WebSocket credentials in connection_init', () => {
  for (const [name, params] of Object.entries(forms)) {
    it(`accepts ${name}`, async () => {
      const ws = wsSession(s.url, null, { connectionParams: params(admin) });
      expect((await ws.run(VIEWER)).data).toEqual({ viewer: { kind: 'API_TOKEN', tokenName: 'Admin (bootstrap)' } });
      await ws.close();
    });

    it(`closes with 4401 for a wrong credential in ${name}, never as the public`, async () => {
      const ws = wsSession(s.url, null, { connectionParams: params(WRONG) });
      expect(await ws.closedWith).toBe(4401);
    });
  }

  it('closes with 4401 for a credential that is not a string, and for two different credentials', async () => {
    const notString = wsSession(s.url, null, { connectionParams: { authorization: 42 } });
    expect(await notString.closedWith).toBe(4401);
    const two = wsSession(s.url, null, { connectionParams: { authorization: `Bearer ${admin}`, token: WRONG } });
    expect(await two.closedWith).toBe(4401);
    const malformed = wsSession(s.url, null, { connectionParams: { authorization: 'Basic abc' } });
    expect(await malformed.closedWith).toBe(4401);
  });

  it('the same credential in two forms is one credential; none at all is the public', async () => {
    const same = wsSession(s.url, null, { connectionParams: { authorization: `Bearer ${admin}`, authToken: admin } });
    expect((await same.run(VIEWER)).data?.viewer.kind).toBe('API_TOKEN');
    await same.close();
    const none = wsSession(s.url, null, { connectionParams: {} });
    expect((await none.run(VIEWER)).data).toEqual({ viewer: { kind: 'PUBLIC', tokenName: null } });
    await none.close();
  });
});

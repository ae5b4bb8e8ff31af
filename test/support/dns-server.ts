import { createSocket } from 'node:dgram';
// dns2 ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dns2 = require('dns2');

/** A record the test DNS server answers with. TXT values longer than 255 bytes are split into strings. */
export type TestRecord =
  { type: 'TXT'; value: string | string[] } | { type: 'A'; value: string } | { type: 'CNAME'; value: string } | { type: 'MX'; value: string; priority: number } | { type: 'PTR'; value: string };

/** A DNS server on loopback (UDP and TCP on one port) answering from an in-memory zone the test edits. */
export interface TestDnsServer {
  /** `127.0.0.1:<port>`, for DNS_SERVERS / createDnsLookup. */
  address: string;
  set(name: string, records: TestRecord[]): void;
  clear(name: string): void;
  close(): Promise<void>;
}

function chunks(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += 255) out.push(s.slice(i, i + 255));
  return out.length ? out : [''];
}

async function freeUdpPort(): Promise<number> {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const port = sock.address().port;
  await new Promise<void>((r) => sock.close(() => r()));
  return port;
}

/** Starts the server. Only ever listens on 127.0.0.1. */
export async function startDnsServer(): Promise<TestDnsServer> {
  const zone = new Map<string, TestRecord[]>();
  const { Packet } = dns2;
  const handle = (request: any, send: (r: unknown) => void) => {
    const response = Packet.createResponseFromRequest(request);
    const [q] = request.questions;
    const name = String(q.name).toLowerCase().replace(/\.$/, '');
    const records = zone.get(name) ?? [];
    for (const r of records) {
      if (r.type === 'TXT' && q.type === Packet.TYPE.TXT) {
        response.answers.push({ name: q.name, type: Packet.TYPE.TXT, class: Packet.CLASS.IN, ttl: 60, data: Array.isArray(r.value) ? r.value : chunks(r.value) });
      } else if (r.type === 'A' && q.type === Packet.TYPE.A) {
        response.answers.push({ name: q.name, type: Packet.TYPE.A, class: Packet.CLASS.IN, ttl: 60, address: r.value });
      } else if (r.type === 'CNAME' && (q.type === Packet.TYPE.CNAME || q.type === Packet.TYPE.A)) {
        response.answers.push({ name: q.name, type: Packet.TYPE.CNAME, class: Packet.CLASS.IN, ttl: 60, domain: r.value });
      } else if (r.type === 'MX' && q.type === Packet.TYPE.MX) {
        response.answers.push({ name: q.name, type: Packet.TYPE.MX, class: Packet.CLASS.IN, ttl: 60, exchange: r.value, priority: r.priority });
      } else if (r.type === 'PTR' && q.type === Packet.TYPE.PTR) {
        response.answers.push({ name: q.name, type: Packet.TYPE.PTR, class: Packet.CLASS.IN, ttl: 60, domain: r.value });
      }
    }
    if (records.length === 0) response.header.rcode = 3; // NXDOMAIN
    send(response);
  };
  // The UDP port may be taken for TCP (an ephemeral port of another connection): dns2's listen
  // never settles then, so race it against the error and try another port.
  for (let attempt = 0; ; attempt++) {
    const port = await freeUdpPort();
    const server = dns2.createServer({ udp: true, tcp: true, handle });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ udp: { port, address: '127.0.0.1' }, tcp: { port, address: '127.0.0.1' } }).then(() => resolve(), reject);
      });
      return {
        address: `127.0.0.1:${port}`,
        set: (name, records) => zone.set(name.toLowerCase(), records),
        clear: (name) => zone.delete(name.toLowerCase()),
        close: async () => {
          await server.close();
        },
      };
    } catch (e) {
      // Not awaited: a half-started dns2 server never reports closing.
      try {
        void Promise.resolve(server.close()).catch(() => undefined);
      } catch {
        // the half that never listened cannot close
      }
      if (attempt > 10) throw e;
    }
  }
}

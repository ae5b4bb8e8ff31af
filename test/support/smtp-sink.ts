import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';

/** A message the sink accepted, with its SMTP envelope. */
export interface SinkMessage {
  mailFrom: string;
  rcptTo: string[];
  raw: string;
  /** Whether the session had been upgraded with STARTTLS. */
  secure: boolean;
}

/** An SMTP reply the sink gives to RCPT TO. */
export interface SinkReply {
  code: number;
  message: string;
}

/** An SMTP server on loopback that keeps what it is sent and answers as the test tells it to. */
export interface SmtpSink {
  port: number;
  messages: SinkMessage[];
  /** Answers RCPT TO for `email` with `reply` (e.g. 451 or 550) until cleared; null clears it. */
  reply(email: string, reply: SinkReply | null): void;
  /** Milliseconds to wait before answering each message's DATA (a slow receiver). */
  setDelay(ms: number): void;
  /** The messages delivered to `email`. */
  to(email: string): SinkMessage[];
  /** Waits until `count` messages went to `email` (or any recipient when null). */
  waitFor(email: string | null, count: number, timeoutMs?: number): Promise<SinkMessage[]>;
  close(): Promise<void>;
}

/** Starts the sink on 127.0.0.1 (random port). It offers STARTTLS with smtp-server's self-signed certificate. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  const replies = new Map<string, SinkReply>();
  let delay = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH'],
    logger: false,
    // No reverse DNS of the client: it would ask the system resolver, and nothing may leave the machine.
    disableReverseLookup: true,
    // Clients may keep pooled connections open; closing the sink does not wait for them.
    closeTimeout: 200,
    size: 10 * 1024 * 1024,
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error | null) => void) {
      const r = replies.get(address.address.toLowerCase());
      if (!r || r.code < 400) return callback();
      const err = new Error(r.message) as Error & { responseCode: number };
      err.responseCode = r.code;
      callback(err);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const finish = () => {
          messages.push({
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            rcptTo: session.envelope.rcptTo.map((a) => a.address.toLowerCase()),
            raw: Buffer.concat(chunks).toString('utf8'),
            secure: session.secure,
          });
          callback();
        };
        if (delay > 0) setTimeout(finish, delay);
        else finish();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  const to = (email: string) => messages.filter((m) => m.rcptTo.includes(email.toLowerCase()));
  return {
    port,
    messages,
    reply(email, r) {
      if (r) replies.set(email.toLowerCase(), r);
      else replies.delete(email.toLowerCase());
    },
    setDelay(ms) {
      delay = ms;
    },
    to,
    async waitFor(email, count, timeoutMs = 20_000) {
      const started = Date.now();
      for (;;) {
        const got = email ? to(email) : messages;
        if (got.length >= count) return got;
        if (Date.now() - started > timeoutMs) throw new Error(`SMTP sink: expected ${count} message(s) for ${email ?? 'anyone'} within ${timeoutMs} ms, got ${got.length}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

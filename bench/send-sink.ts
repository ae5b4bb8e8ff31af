import { startSmtpSink } from '../test/support/smtp-sink';

/** Child process of bench/send.ts: the loopback SMTP sink on a core of its own; answers count requests over IPC. */
async function main(): Promise<void> {
  const sink = await startSmtpSink();
  process.on('message', (m: { type: string; id?: number }) => {
    if (m.type === 'count') process.send!({ type: 'count', id: m.id, count: sink.messages.length });
    if (m.type === 'stop') void sink.close().then(() => process.exit(0));
  });
  process.send!({ type: 'ready', port: sink.port });
}

void main();

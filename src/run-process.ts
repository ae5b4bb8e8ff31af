import { StartupError, loadConfig, type Config } from './config';
import { ConfigError } from './config-read';

/** One line on stderr for a failed start, and the exit code: 2 for a bad setting, 1 for anything else. */
function fail(e: unknown, logLevel: string | null): never {
  const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').trim();
  if (e instanceof ConfigError) {
    console.error(`Configuration error: ${oneLine(e.message)}`);
    process.exit(2);
  }
  if (e instanceof StartupError) {
    console.error(`Mailroom could not start: ${oneLine(e.message)}`);
    process.exit(1);
  }
  // Not foreseen: still one line, and the whole error only when asked for.
  const verbose = logLevel === 'debug' || logLevel === 'trace';
  const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
  console.error(`Mailroom could not start: ${oneLine(message || String(e))}${verbose ? '' : ' (LOG_LEVEL=debug shows the details)'}`);
  if (verbose) console.error(e);
  process.exit(1);
}

/**
 * Runs a process entry point: reads the configuration, starts it, and stops it gracefully on SIGTERM
 * or SIGINT (exit 0, or 1 if stopping failed) — also when the signal arrives while it is still
 * starting (it stops as soon as the start finished), so no embedded PostgreSQL is left behind.
 * A bad setting or a failed start prints one line naming the setting and exits non-zero.
 */
export function runProcess(name: string, start: (config: Config) => Promise<{ stop(): Promise<void> }>): void {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    fail(e, null);
  }
  let running: { stop(): Promise<void> } | null = null;
  let signalled: string | null = null;
  let stopping = false;
  const stop = (signal: string) => {
    signalled = signal;
    if (stopping || !running) return;
    stopping = true;
    console.error(`${signal} received, stopping the ${name}`);
    running.stop().then(
      () => process.exit(0),
      (e) => (console.error(e), process.exit(1)),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  start(config).then(
    (r) => {
      running = r;
      if (signalled) stop(signalled);
    },
    (e) => fail(e, config.logLevel),
  );
}

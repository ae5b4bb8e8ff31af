import { ConfigError, loadConfig, type Config } from './config';

/**
 * Runs a process entry point: reads the configuration (exit code 2 with the message on a bad
 * variable), starts it, and stops it gracefully on SIGTERM or SIGINT (exit 0, or 1 if stopping failed).
 */
export function runProcess(name: string, start: (config: Config) => Promise<{ stop(): Promise<void> }>): void {
  const main = async () => {
    const running = await start(loadConfig());
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.error(`${signal} received, stopping the ${name}`);
      running.stop().then(
        () => process.exit(0),
        (e) => (console.error(e), process.exit(1)),
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  };
  main().catch((e) => {
    console.error(e instanceof ConfigError ? `Configuration error: ${e.message}` : e);
    process.exit(e instanceof ConfigError ? 2 : 1);
  });
}

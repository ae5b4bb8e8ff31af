import 'reflect-metadata';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';

/** Entry point: loadConfig → createApp → listen; SIGTERM/SIGINT stop gracefully. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`Configuration error: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  const app = await createApp(config);
  if (app.bootstrapSecret) {
    console.log(`\nMailroom created the first account. Admin API token (shown once):\n\n  ${app.bootstrapSecret}\n\nUse it as "Authorization: Bearer <token>" at ${config.publicUrl}/graphql\n`);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal} received, stopping`);
    try {
      await app.stop();
      process.exit(0);
    } catch (e) {
      console.error(e);
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

import 'reflect-metadata';
import { createApp } from './app';
import { runProcess } from './run-process';

/** Entry point of `npm start`: loadConfig → createApp → listen; SIGTERM/SIGINT stop gracefully. */
runProcess('server', async (config) => {
  const app = await createApp(config);
  if (app.bootstrapSecret) {
    // stderr: stdout carries nothing but JSON log lines (jq-friendly), and the secret stays out of the log pipeline.
    console.error(`\nMailroom created the first account. Admin API token (shown once):\n\n  ${app.bootstrapSecret}\n\nUse it as "Authorization: Bearer <token>" at ${config.publicUrl}/graphql\n`);
  }
  return app;
});

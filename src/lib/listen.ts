import { createServer, type Server } from 'node:net';
import { StartupError } from '../config';

/** One line for a failed bind, naming the setting (PORT, INBOUND_SMTP_PORT) and HOST. */
function bindError(err: NodeJS.ErrnoException, port: number, host: string, setting: string): StartupError {
  switch (err.code) {
    case 'EADDRINUSE':
      return new StartupError(`${setting}: port ${port} on ${host} is already in use; stop what listens there or choose another ${setting}`);
    case 'EACCES':
      return new StartupError(`${setting}: port ${port} on ${host} needs privileges this process does not have; choose a port above 1023`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartupError(`HOST: ${host} is not an address of this machine (${err.code}); use 0.0.0.0, 127.0.0.1 or one of its addresses`);
    default:
      return new StartupError(`${setting}: cannot listen on ${host}:${port} (${err.code ?? err.message})`);
  }
}

/** Listens on `port`/`host`; rejects with one StartupError line naming `setting` when it cannot. Side effects: binds. */
export function listen(server: Server, port: number, host: string, setting: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(bindError(err, port, host, setting));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/**
 * Proves `port` can be bound on `host` by binding and releasing it, so a clash fails start-up before
 * anything is started or written. Port 0 always can. Side effects: a short bind.
 */
export async function assertBindable(port: number, host: string, setting: string): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await listen(probe, port, host, setting);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

import type { MikroORM } from '@mikro-orm/postgresql';
import { ALL_PERMISSIONS } from '../../auth/permissions';
import { generateSecret } from '../../auth/token-format';
import type { Config } from '../../config';
import { systemEm } from '../../context';
import { sha256 } from '../../lib/crypto';
import type { Logger } from '../../lib/logger';
import { ApiToken } from '../api-tokens/api-token.entity';
import { Account } from './account.entity';
import { ensureSandboxDomain } from '../domains/sandbox-domain';

/** Creates an account with an all-permission, account-wide admin token; returns the secret. */
export async function createAccountWithAdminToken(orm: MikroORM, name: string, secret: string = generateSecret('api')): Promise<{ account: Account; token: ApiToken; secret: string }> {
  const em = systemEm(orm);
  const account = em.create(Account, { name });
  const token = em.create(ApiToken, {
    account,
    name: 'Admin (bootstrap)',
    permissions: [...ALL_PERMISSIONS],
    secretHash: sha256(secret),
    preview: `${secret.slice(0, 12)}…${secret.slice(-4)}`,
  });
  await em.flush();
  return { account, token, secret };
}

/**
 * On an empty database, creates the first account and its admin token (MAILROOM_BOOTSTRAP_TOKEN,
 * or a random secret; loadConfig validated it) and, with DELIVERY_MODE=sandbox, its sandbox domain. Returns the secret when it created one, else null.
 * Called last in start-up, once the server listens, so the caller can show the secret right away.
 */
export async function ensureBootstrap(orm: MikroORM, config: Config, logger: Logger): Promise<string | null> {
  const em = systemEm(orm);
  if ((await em.count(Account, {})) > 0) return null;
  const { account, secret } = await createAccountWithAdminToken(orm, 'My agency', config.bootstrapToken ?? undefined);
  // In sandbox mode the first session can send at once, from the sandbox domain (stored, never sent).
  const sandbox = await ensureSandboxDomain(em, account.id, config, new Date());
  logger.info({ accountId: account.id, sandboxDomain: sandbox?.name }, 'created the first account and its admin API token');
  return config.bootstrapToken ? null : secret;
}

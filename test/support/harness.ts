import { print, type ExecutionResult } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { inject } from 'vitest';
import { createApp, type App, type AppOptions } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import { createDnsLookup } from '../../src/deps';
import { createLogger } from '../../src/lib/logger';
import { startDnsServer } from './dns-server';
import { createAccountWithAdminToken } from '../../src/modules/accounts/bootstrap';

/** A running app on a random loopback port, against the run's test database. */
export interface TestServer {
  app: App;
  url: string;
  /** Runs a typed document over real HTTP; returns the whole GraphQL response. */
  gql<R, V>(doc: TypedDocumentNode<R, V> | string, variables?: V, token?: string | null): Promise<ExecutionResult<R> & { status: number }>;
  /** A fresh account with an all-permission admin token. */
  newAccount(name?: string): Promise<{ accountId: string; adminToken: string }>;
  stop(): Promise<void>;
}

// Every test shares 127.0.0.1 and reuses tokens across many cases: rate limits are off unless a test sets them.
const NO_RATE_LIMITS: Partial<Config> = {
  rateLimitLoginPerIp: 0,
  rateLimitLoginFailuresPerAddress: 0,
  rateLimitInvitationPerIp: 0,
  rateLimitInvitationFailuresPerToken: 0,
  rateLimitApiPerCredential: 0,
};

/** Starts the app for a test file. */
export async function startTestServer(overrides: Partial<Config> = {}, options: AppOptions = {}): Promise<TestServer> {
  const config = loadConfig(
    { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', MAILROOM_MAIL_DOMAIN: 'mailroom.test' },
    {
      databaseUrl: inject('databaseUrl'),
      port: 0,
      host: '127.0.0.1',
      secret: Buffer.from('test-secret-test-secret-test-secret'),
      runWorker: false,
      bootstrapToken: null,
      ...NO_RATE_LIMITS,
      ...overrides,
    },
  );
  // DNS never leaves the machine in tests: unless the test brings its own, an empty loopback zone answers.
  const dnsServer = options.deps?.dns ? null : await startDnsServer();
  const dns = options.deps?.dns ?? createDnsLookup([dnsServer!.address]);
  const app = await createApp(config, { deps: { logger: createLogger(config.logLevel), ...options.deps, dns }, onQuery: options.onQuery });
  const url = app.url;
  return {
    app,
    url,
    async gql(doc, variables, token) {
      const query = typeof doc === 'string' ? doc : print(doc);
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as ExecutionResult;
      return { ...(body as ExecutionResult<never>), status: res.status };
    },
    async newAccount(name = 'Agency') {
      const { account, secret } = await createAccountWithAdminToken(app.orm, name);
      return { accountId: account.id, adminToken: secret };
    },
    async stop() {
      await app.stop();
      await dnsServer?.close();
    },
  };
}

/** Returns `data` or throws with the errors, for steps that must succeed. */
export function ok<R>(res: ExecutionResult<R>): R {
  if (res.errors?.length || !res.data) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
  return res.data;
}

/** The `extensions.code` of the first error. */
export function errorCode(res: ExecutionResult<unknown>): string | undefined {
  return res.errors?.[0]?.extensions?.code as string | undefined;
}

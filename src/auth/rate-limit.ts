import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config';
import { AppError, rateLimited } from '../graphql/errors';
import type { Principal } from './principal';

/** The counters kept: attempts per client IP, failed attempts per address or invitation, requests per credential. */
export type RateBucket = 'loginIp' | 'loginAddress' | 'invitationIp' | 'invitationToken' | 'api';

/** How many points a key of a bucket may spend per window; 0 points turns the bucket off. */
export interface RateRule {
  points: number;
  windowSeconds: number;
}

/**
 * Fixed-window counters per process (rate-limiter-flexible in memory). Each API process counts on
 * its own: behind N processes a client gets up to N times the limit, and a restart forgets the
 * counts. Cheap (no database write per request) and enough to cap guessing and CPU per process.
 */
export interface RateLimits {
  /** Spends one point of `key`; throws RATE_LIMITED (with retryAfter) when the key had none left. */
  consume(bucket: RateBucket, key: string): Promise<void>;
  /** Throws RATE_LIMITED when `key` has no points left; spends nothing. */
  guard(bucket: RateBucket, key: string): Promise<void>;
  /** Spends one point of `key` (a failed attempt) without throwing. */
  penalize(bucket: RateBucket, key: string): Promise<void>;
  /** Spends one request of the principal's credential (API token or member session); public callers are not counted here. */
  request(principal: Principal): Promise<void>;
}

/** The rules configured for each bucket. */
export function rateRules(config: Config): Record<RateBucket, RateRule> {
  const attempts = config.rateLimitAttemptWindowSeconds;
  return {
    loginIp: { points: config.rateLimitLoginPerIp, windowSeconds: attempts },
    loginAddress: { points: config.rateLimitLoginFailuresPerAddress, windowSeconds: attempts },
    invitationIp: { points: config.rateLimitInvitationPerIp, windowSeconds: attempts },
    invitationToken: { points: config.rateLimitInvitationFailuresPerToken, windowSeconds: attempts },
    api: { points: config.rateLimitApiPerCredential, windowSeconds: config.rateLimitApiWindowSeconds },
  };
}

// rate-limiter-flexible rejects with a RateLimiterRes when the key is over its limit, with an Error on a fault.
function toRateLimited(e: unknown): unknown {
  return e instanceof RateLimiterRes ? rateLimited(e.msBeforeNext / 1000) : e;
}

/** The key a principal's API requests are counted under. */
export function credentialKey(principal: Principal): string | null {
  if (principal.kind === 'API_TOKEN') return `token:${principal.tokenId}`;
  if (principal.kind === 'MEMBER') return `session:${principal.sessionId}`;
  return null;
}

/** In-memory rate limits with the given rules (see RateLimits for the trade-off). */
export function createRateLimits(rules: Record<RateBucket, RateRule>): RateLimits {
  const limiters = new Map<RateBucket, RateLimiterMemory>();
  for (const [bucket, rule] of Object.entries(rules) as [RateBucket, RateRule][]) {
    if (rule.points > 0) limiters.set(bucket, new RateLimiterMemory({ keyPrefix: bucket, points: rule.points, duration: rule.windowSeconds }));
  }
  const limits: RateLimits = {
    async consume(bucket, key) {
      const limiter = limiters.get(bucket);
      if (!limiter) return;
      try {
        await limiter.consume(key);
      } catch (e) {
        throw toRateLimited(e);
      }
    },
    async guard(bucket, key) {
      const limiter = limiters.get(bucket);
      const res = limiter ? await limiter.get(key) : null;
      if (res && res.consumedPoints >= rules[bucket].points) throw rateLimited(res.msBeforeNext / 1000);
    },
    async penalize(bucket, key) {
      await limiters.get(bucket)?.penalty(key);
    },
    async request(principal) {
      const key = credentialKey(principal);
      if (key) await limits.consume('api', key);
    },
  };
  return limits;
}

/**
 * Runs one credential attempt (login, accepting an invitation) under the limits: one point of the
 * client IP's bucket per attempt, and one of `key`'s bucket (the address or invitation) per failed
 * attempt; refuses with RATE_LIMITED before any password hashing once either is spent.
 */
export async function limitedAttempt<T>(limits: RateLimits, buckets: { ip: RateBucket; key: RateBucket }, ip: string | null, key: string, attempt: () => Promise<T>): Promise<T> {
  if (ip !== null) await limits.consume(buckets.ip, ip);
  await limits.guard(buckets.key, key);
  try {
    return await attempt();
  } catch (e) {
    // A refusal the caller could learn from counts; a fault of ours does not.
    if (e instanceof AppError) await limits.penalize(buckets.key, key);
    throw e;
  }
}

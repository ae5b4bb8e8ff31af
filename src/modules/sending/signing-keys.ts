import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../../config';
import { decrypt } from '../../lib/crypto';
import { Domain } from '../domains/domain.entity';
import { trackingBaseUrl } from '../tracking/apply-tracking';

/** What signing and the envelope need of a sending domain. */
export interface SigningDomain {
  id: string;
  name: string;
  dkimSelector: string;
  returnPathSubdomain: string;
  /** Where open and click tracking links point; null when the domain has tracking off (no tracking subdomain). */
  trackingBaseUrl: string | null;
}

/** A sending domain with its decrypted DKIM private key. */
export interface SigningKey {
  domain: SigningDomain;
  pem: string;
}

/** Sending domains and their keys, read through a short-lived in-process cache. */
export interface SigningKeys {
  get(em: EntityManager, domainId: string): Promise<SigningKey>;
}

const TTL_MS = 60_000;
const MAX_ENTRIES = 1000;

/**
 * A cache of decrypted DKIM keys per domain for the worker (a minute at most, so a new key or a
 * renamed selector is picked up soon), sparing a query and a decryption per message.
 * Side effects: reads domains; keeps private keys in this process's memory.
 */
export function createSigningKeys(config: Config): SigningKeys {
  const cache = new Map<string, { key: SigningKey; at: number }>();
  return {
    async get(em, domainId) {
      const hit = cache.get(domainId);
      if (hit && Date.now() - hit.at < TTL_MS) return hit.key;
      const d = await em.findOneOrFail(Domain, { id: domainId }, { populate: ['dkimPrivateKeyEncrypted'] });
      const domain = { id: d.id, name: d.name, dkimSelector: d.dkimSelector, returnPathSubdomain: d.returnPathSubdomain, trackingBaseUrl: d.trackingSubdomain ? trackingBaseUrl(d, config) : null };
      const key: SigningKey = { domain, pem: decrypt(config.secret, d.dkimPrivateKeyEncrypted) };
      if (cache.size >= MAX_ENTRIES) cache.clear();
      cache.set(domainId, { key, at: Date.now() });
      return key;
    },
  };
}

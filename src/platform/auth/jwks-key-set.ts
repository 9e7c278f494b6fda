import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { Logger } from '@nestjs/common';

export interface JwksOptions {
  uri: string;
  /** Keys older than this are fetched again before use. */
  maxAgeMs: number;
  /** The least time between two fetch attempts, whatever asks for them. */
  cooldownMs: number;
  timeoutMs: number;
}

/** What a token's header says about its key. */
export interface KeyHint {
  kid?: unknown;
  alg?: unknown;
}

interface SigningKey {
  kid?: string;
  alg?: string;
  key: KeyObject;
}

/**
 * An issuer's key set, fetched whole. Fetches (for stale keys or an unknown kid alike) are at least a
 * cooldown apart and shared by every caller waiting for one, so tokens with invented kids cost at
 * most one fetch per cooldown and cannot use up the fetches a real rotation needs. A failed fetch
 * keeps the known keys (stale-while-error): an issuer outage does not lock out valid tokens.
 */
export class JwksKeySet {
  private readonly logger = new Logger('Jwks');
  private keys: SigningKey[] = [];
  private fetchedAt = -Infinity;
  private attemptedAt = -Infinity;
  private inFlight?: Promise<void>;

  constructor(private readonly options: JwksOptions) {}

  /** The key the header names, or undefined when the set has none that fits. */
  async keyFor(hint: KeyHint): Promise<KeyObject | undefined> {
    if (Date.now() - this.fetchedAt >= this.options.maxAgeMs || !this.find(hint)) {
      await this.refresh();
    }
    return this.find(hint)?.key;
  }

  private find({ kid, alg }: KeyHint): SigningKey | undefined {
    // Without a kid only a set of one key is unambiguous.
    const named = kid !== undefined ? this.keys.filter((key) => key.kid === kid) : this.keys.length === 1 ? this.keys : [];
    return named.find((key) => key.alg === undefined || key.alg === alg);
  }

  private refresh(): Promise<void> {
    if (!this.inFlight && Date.now() - this.attemptedAt >= this.options.cooldownMs) {
      this.attemptedAt = Date.now();
      this.inFlight = this.fetchKeys()
        .then(
          (keys) => {
            this.keys = keys;
            this.fetchedAt = Date.now();
          },
          (error: unknown) => this.logger.warn(`JWKS fetch failed, keeping ${this.keys.length} known key(s): ${String(error)}`),
        )
        .finally(() => {
          this.inFlight = undefined;
        });
    }
    return this.inFlight ?? Promise.resolve();
  }

  private async fetchKeys(): Promise<SigningKey[]> {
    const response = await fetch(this.options.uri, { signal: AbortSignal.timeout(this.options.timeoutMs), redirect: 'error' });
    if (!response.ok) {
      throw new Error(`${this.options.uri} answered ${response.status}`);
    }
    const { keys } = ((await response.json()) ?? {}) as { keys?: unknown };
    if (!Array.isArray(keys)) {
      throw new Error(`${this.options.uri} sent no "keys" array`);
    }
    return keys.flatMap(signingKeyOf);
  }
}

/** Keys meant for something else, or that are not public keys Node can read (e.g. `oct`), are left out. */
function signingKeyOf(jwk: unknown): SigningKey[] {
  if (typeof jwk !== 'object' || jwk === null) return [];
  const { kid, alg, use } = jwk as Record<string, unknown>;
  if (use !== undefined && use !== 'sig') return [];
  try {
    const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    return [{ kid: typeof kid === 'string' ? kid : undefined, alg: typeof alg === 'string' ? alg : undefined, key }];
  } catch {
    return [];
  }
}

import type { Principal } from './principal.js';

/** Bounds the memory: at most this many tokens, each at most this long, are remembered. */
const MAX_TOKENS = 10_000;
const MAX_TOKEN_LENGTH = 2_048;
/**
 * How long a verified token is trusted without verifying it again (or less, until it expires): the
 * delay before a key withdrawn from the issuer's key set stops admitting the tokens it signed.
 */
const TRUST_MS = 60_000;

interface Verified {
  principal: Principal;
  until: number;
}

/**
 * Tokens already verified, whole (the exact text: signature, header and claims alike), with the
 * principal they proved: a client sending the same token on every request has its signature checked
 * once a minute instead of every time. A token that failed is never remembered. When full, the
 * oldest entry makes way (a flood of fresh tokens only turns the cache over: each still costs one
 * verification, as without it).
 */
export class VerifiedTokens {
  private readonly tokens = new Map<string, Verified>();

  principalOf(token: string, now = Date.now()): Principal | undefined {
    const verified = this.tokens.get(token);
    if (verified === undefined) return undefined;
    if (verified.until > now) return verified.principal;
    this.tokens.delete(token);
    return undefined;
  }

  /** `expiresAt`: the token's `exp`, in milliseconds. */
  remember(token: string, principal: Principal, expiresAt: number, now = Date.now()): void {
    if (token.length > MAX_TOKEN_LENGTH) return;
    if (this.tokens.size >= MAX_TOKENS) this.tokens.delete(this.tokens.keys().next().value as string);
    this.tokens.set(token, { principal, until: Math.min(expiresAt, now + TRUST_MS) });
  }
}

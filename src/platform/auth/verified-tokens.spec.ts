import { principalOf } from './principal.js';
import { VerifiedTokens } from './verified-tokens.js';

describe('VerifiedTokens', () => {
  const alice = principalOf('acme', 'alice', []);
  const now = 1_000_000;

  it('knows a remembered token until it expires', () => {
    const tokens = new VerifiedTokens();
    tokens.remember('token-a', alice, now + 5_000, now);
    expect(tokens.principalOf('token-a', now + 4_999)).toBe(alice);
    expect(tokens.principalOf('token-a', now + 5_000)).toBeUndefined();
    expect(tokens.principalOf('token-a', now)).toBeUndefined();
  });

  it('verifies a long-lived token again after a minute', () => {
    const tokens = new VerifiedTokens();
    tokens.remember('token-a', alice, now + 3_600_000, now);
    expect(tokens.principalOf('token-a', now + 59_999)).toBe(alice);
    expect(tokens.principalOf('token-a', now + 60_000)).toBeUndefined();
  });

  it('knows only the exact token', () => {
    const tokens = new VerifiedTokens();
    tokens.remember('header.claims.signature', alice, now + 5_000, now);
    expect(tokens.principalOf('header.other-claims.signature', now)).toBeUndefined();
  });

  it('does not remember a token longer than 2 KB', () => {
    const tokens = new VerifiedTokens();
    const long = 'x'.repeat(2_049);
    tokens.remember(long, alice, now + 5_000, now);
    expect(tokens.principalOf(long, now)).toBeUndefined();
  });

  it('makes way for new tokens by forgetting the oldest, holding at most 10,000', () => {
    const tokens = new VerifiedTokens();
    for (let index = 0; index <= 10_000; index++) tokens.remember(`token-${index}`, alice, now + 5_000, now);
    expect(tokens.principalOf('token-0', now)).toBeUndefined();
    expect(tokens.principalOf('token-1', now)).toBe(alice);
    expect(tokens.principalOf('token-10000', now)).toBe(alice);
  });
});

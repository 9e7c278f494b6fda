import { createPublicKey } from 'node:crypto';
import jwt, { type Algorithm } from 'jsonwebtoken';
import type { SecretOrKeyProvider } from 'passport-jwt';
import { DEVELOPMENT_JWT_SECRET, Environment } from '../../config/environment.js';
import { JwksKeySet } from './jwks-key-set.js';

const JWKS_TIMEOUT_MS = 5_000;

/** How tokens are verified: one key source, and only the algorithms that fit it. */
export type JwtVerification = { algorithms: Algorithm[] } & (
  | { secretOrKey: string; secretOrKeyProvider?: undefined }
  | { secretOrKeyProvider: SecretOrKeyProvider; secretOrKey?: undefined }
);

export function jwtVerificationFor(
  environment: Pick<Environment, 'JWT_SECRET' | 'JWT_PUBLIC_KEY' | 'JWT_JWKS_URI' | 'JWT_JWKS_CACHE_SECONDS' | 'JWT_JWKS_COOLDOWN_SECONDS'>,
): JwtVerification {
  if (environment.JWT_JWKS_URI) {
    const keySet = new JwksKeySet({
      uri: environment.JWT_JWKS_URI,
      maxAgeMs: environment.JWT_JWKS_CACHE_SECONDS * 1000,
      cooldownMs: environment.JWT_JWKS_COOLDOWN_SECONDS * 1000,
      timeoutMs: JWKS_TIMEOUT_MS,
    });
    return {
      algorithms: ['RS256', 'ES256'],
      secretOrKeyProvider: (_request, rawJwtToken: string, done) => {
        const header = jwt.decode(rawJwtToken, { complete: true })?.header ?? {};
        keySet.keyFor(header).then(
          (key) => (key ? done(null, key) : done(new Error('No published key matches the token'))),
          (error: unknown) => done(error),
        );
      },
    };
  }
  if (environment.JWT_PUBLIC_KEY) {
    const key = environment.JWT_PUBLIC_KEY.replace(/\\n/g, '\n');
    return { algorithms: [algorithmForPublicKey(key)], secretOrKey: key };
  }
  return { algorithms: ['HS256'], secretOrKey: environment.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET };
}

function algorithmForPublicKey(pem: string): Algorithm {
  const keyType = createPublicKey(pem).asymmetricKeyType;
  switch (keyType) {
    case 'rsa':
      return 'RS256';
    case 'ec':
      return 'ES256';
    default:
      throw new Error(`JWT_PUBLIC_KEY must be an RSA or EC (P-256) public key, not ${keyType}`);
  }
}

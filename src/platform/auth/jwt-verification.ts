import { createPublicKey } from 'node:crypto';
import { passportJwtSecret } from 'jwks-rsa';
import type { Algorithm } from 'jsonwebtoken';
import type { SecretOrKeyProvider } from 'passport-jwt';
import { DEVELOPMENT_JWT_SECRET, Environment } from '../../config/environment.js';

/** How tokens are verified: one key source, and only the algorithms that fit it. */
export type JwtVerification = { algorithms: Algorithm[] } & (
  | { secretOrKey: string; secretOrKeyProvider?: undefined }
  | { secretOrKeyProvider: SecretOrKeyProvider; secretOrKey?: undefined }
);

export function jwtVerificationFor(
  environment: Pick<Environment, 'JWT_SECRET' | 'JWT_PUBLIC_KEY' | 'JWT_JWKS_URI' | 'JWT_JWKS_CACHE_SECONDS'>,
): JwtVerification {
  if (environment.JWT_JWKS_URI) {
    return {
      algorithms: ['RS256', 'ES256'],
      // jwks-rsa caches keys by kid and refetches (rate-limited) when an unknown kid arrives: rotation.
      secretOrKeyProvider: passportJwtSecret({
        jwksUri: environment.JWT_JWKS_URI,
        cache: true,
        cacheMaxAge: environment.JWT_JWKS_CACHE_SECONDS * 1000,
        rateLimit: true,
        jwksRequestsPerMinute: 10,
        timeout: 5_000,
      }),
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

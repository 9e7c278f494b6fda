import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import jwt, { type Algorithm } from 'jsonwebtoken';
import type { SecretOrKeyProvider } from 'passport-jwt';
import { DEVELOPMENT_JWT_SECRET, Environment } from '../../config/environment.js';
import { JwksKeySet } from './jwks-key-set.js';

const JWKS_TIMEOUT_MS = 5_000;

/** How tokens are verified: one key source, and only the algorithms that fit it. */
export interface JwtVerification {
  algorithms: Algorithm[];
  secretOrKeyProvider: SecretOrKeyProvider;
}

/**
 * Keys are KeyObjects, made once: given a string, jsonwebtoken parses it again on every verification
 * (a secret even after a failed attempt to read it as a public key). @types/passport-jwt still says
 * string | Buffer; passport-jwt hands the value to jsonwebtoken untouched.
 */
function asPassportKey(key: KeyObject): string {
  return key as unknown as string;
}

function constantKey(key: KeyObject): SecretOrKeyProvider {
  const passportKey = asPassportKey(key);
  return (_request, _rawJwtToken, done) => done(null, passportKey);
}

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
          (key) => (key ? done(null, asPassportKey(key)) : done(new Error('No published key matches the token'))),
          (error: unknown) => done(error),
        );
      },
    };
  }
  if (environment.JWT_PUBLIC_KEY) {
    const key = createPublicKey(environment.JWT_PUBLIC_KEY.replace(/\\n/g, '\n'));
    return { algorithms: [algorithmForPublicKey(key)], secretOrKeyProvider: constantKey(key) };
  }
  return {
    algorithms: ['HS256'],
    secretOrKeyProvider: constantKey(createSecretKey(Buffer.from(environment.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET))),
  };
}

function algorithmForPublicKey(key: KeyObject): Algorithm {
  const keyType = key.asymmetricKeyType;
  switch (keyType) {
    case 'rsa':
      return 'RS256';
    case 'ec':
      return 'ES256';
    default:
      throw new Error(`JWT_PUBLIC_KEY must be an RSA or EC (P-256) public key, not ${keyType}`);
  }
}

import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { DEVELOPMENT_JWT_SECRET } from '../../src/config/environment.js';

export interface TokenClaims {
  tenant?: string;
  sub?: string;
  roles?: string[];
}

/** A valid HS256 token for the test server (signed with the development secret), unless options say otherwise. */
export function tokenFor(claims: TokenClaims, options: jwt.SignOptions = {}, key: jwt.Secret = DEVELOPMENT_JWT_SECRET): string {
  const payload: Record<string, unknown> = {};
  if (claims.tenant !== undefined) payload.tenant_id = claims.tenant;
  if (claims.roles !== undefined) payload.roles = claims.roles;
  return jwt.sign(payload, key, {
    algorithm: 'HS256',
    expiresIn: '5m',
    ...(claims.sub !== undefined && { subject: claims.sub }),
    ...options,
  });
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

type KeyAlgorithm = 'RS256' | 'ES256';

const keyPairFor = (alg: KeyAlgorithm) =>
  alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** A token issuer publishing its keys at a JWKS URL of its own (node:http on 127.0.0.1), counting the fetches. */
export interface JwksIssuer {
  /** JWT_JWKS_URI, JWT_ISSUER and JWT_AUDIENCE for startTestApp. */
  environment: Record<string, string>;
  /** Fetches answered so far, failed ones included. */
  readonly fetches: number;
  /** While true, the JWKS URL answers 503. */
  failing: boolean;
  addKey(kid: string, alg: KeyAlgorithm): void;
  removeKey(kid: string): void;
  /** A token for acme/alice with the kid in its header, signed by that key (by an unpublished one for an unknown kid). */
  sign(kid: string): string;
  close(): Promise<void>;
}

export async function startJwksIssuer(): Promise<JwksIssuer> {
  const keys = new Map<string, { privateKey: KeyObject; publicKey: KeyObject; alg: KeyAlgorithm }>();
  const unpublished = keyPairFor('ES256').privateKey;
  let fetches = 0;
  const server = createServer((_request, response) => {
    fetches += 1;
    if (issuer.failing) {
      response.writeHead(503).end();
      return;
    }
    const published = [...keys].map(([kid, { publicKey, alg }]) => ({ ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' }));
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const claims = { issuer: 'https://issuer.test', audience: 'tessera' };
  const issuer: JwksIssuer = {
    environment: {
      JWT_JWKS_URI: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
      JWT_ISSUER: claims.issuer,
      JWT_AUDIENCE: claims.audience,
    },
    get fetches() {
      return fetches;
    },
    failing: false,
    addKey: (kid, alg) => void keys.set(kid, { ...keyPairFor(alg), alg }),
    removeKey: (kid) => void keys.delete(kid),
    sign: (kid) => {
      const key = keys.get(kid);
      return tokenFor(
        { tenant: 'acme', sub: 'alice' },
        { ...claims, algorithm: key?.alg ?? 'ES256', keyid: kid },
        key?.privateKey ?? unpublished,
      );
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return issuer;
}

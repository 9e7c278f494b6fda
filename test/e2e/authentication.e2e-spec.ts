import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app.js';
import { createTestDatabase, TestDatabase } from '../support/test-database.js';
import { bearer, tokenFor } from '../support/tokens.js';

const PROTECTED_ROUTE = '/api/tasks';
const now = () => Math.floor(Date.now() / 1000);

function expectInvalidToken(response: request.Response): void {
  expect(response.status).toBe(401);
  expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ status: 401, title: 'Unauthorized', detail: 'The bearer token is missing or invalid.' });
}

describe('authentication', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  describe('with an HS256 secret, issuer and audience', () => {
    const secret = 'a-test-secret-that-is-at-least-32-bytes-long';
    const valid = { tenant: 'acme', sub: 'alice' };
    const sign = (claims = valid, options: jwt.SignOptions = {}, key: jwt.Secret = secret) =>
      tokenFor(claims, { issuer: 'https://issuer.test', audience: 'tessera', ...options }, key);
    let testApp: TestApp;
    beforeAll(async () => {
      testApp = await startTestApp({ JWT_SECRET: secret, JWT_ISSUER: 'https://issuer.test', JWT_AUDIENCE: 'tessera' }, database);
    });
    afterAll(() => testApp.close());
    const call = (headers: Record<string, string> = {}) => request(testApp.server).get(PROTECTED_ROUTE).set(headers);

    it('accepts a valid token', async () => {
      await call(bearer(sign())).expect(200);
    });

    it.each([
      ['a missing header', {}],
      ['a non-bearer scheme', { Authorization: `Basic ${Buffer.from('alice:pw').toString('base64')}` }],
      ['a malformed token', bearer('not.a.jwt')],
      ['an expired token', bearer(sign(valid, { expiresIn: -120 }))],
      ['a not-yet-valid token', bearer(sign(valid, { notBefore: 600 }))],
      ['a wrong signature', bearer(sign(valid, {}, 'another-secret-that-is-at-least-32-bytes'))],
      ['the wrong issuer', bearer(sign(valid, { issuer: 'https://evil.test' }))],
      ['the wrong audience', bearer(sign(valid, { audience: 'someone-else' }))],
      ['no tenant_id', bearer(sign({ sub: 'alice' } as typeof valid))],
      ['an empty tenant_id', bearer(sign({ tenant: ' ', sub: 'alice' }))],
      ['no sub', bearer(sign({ tenant: 'acme' } as typeof valid))],
      ['roles that are not strings', bearer(sign({ ...valid, roles: [1] } as unknown as typeof valid))],
    ])('refuses %s', async (_case, headers) => {
      expectInvalidToken(await call(headers));
    });

    it('refuses a token without exp', async () => {
      const token = jwt.sign({ tenant_id: 'acme', iss: 'https://issuer.test', aud: 'tessera' }, secret, { subject: 'alice' });
      expect(jwt.decode(token)).not.toHaveProperty('exp');
      expectInvalidToken(await call(bearer(token)));
    });

    it('refuses alg: none', async () => {
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const payload = Buffer.from(
        JSON.stringify({ sub: 'alice', tenant_id: 'acme', iss: 'https://issuer.test', aud: 'tessera', exp: now() + 300 }),
      ).toString('base64url');
      expectInvalidToken(await call(bearer(`${header}.${payload}.`)));
    });

    it('tolerates a little clock skew', async () => {
      await call(bearer(sign(valid, { notBefore: 5 }))).expect(200);
    });
  });

  describe('with an RS256 public key', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    let testApp: TestApp;
    beforeAll(async () => {
      testApp = await startTestApp({ JWT_PUBLIC_KEY: publicPem }, database);
    });
    afterAll(() => testApp.close());

    it('accepts a token signed with the private key', async () => {
      const token = tokenFor({ tenant: 'acme', sub: 'alice' }, { algorithm: 'RS256' }, privateKey);
      await request(testApp.server).get(PROTECTED_ROUTE).set(bearer(token)).expect(200);
    });

    it('refuses an HS256 token whose secret is the public key (algorithm confusion)', async () => {
      const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
      const payload = Buffer.from(JSON.stringify({ sub: 'alice', tenant_id: 'acme', exp: now() + 300 })).toString('base64url');
      const { createHmac } = await import('node:crypto');
      const signature = createHmac('sha256', publicPem).update(`${header}.${payload}`).digest('base64url');
      expectInvalidToken(await request(testApp.server).get(PROTECTED_ROUTE).set(bearer(`${header}.${payload}.${signature}`)));
    });

    it('refuses an HS256 token signed with the development secret', async () => {
      expectInvalidToken(await request(testApp.server).get(PROTECTED_ROUTE).set(bearer(tokenFor({ tenant: 'acme', sub: 'alice' }))));
    });
  });

  describe('with a JWKS endpoint', () => {
    const keys = new Map<string, { privateKey: KeyObject; publicKey: KeyObject; alg: 'RS256' | 'ES256' }>();
    const addKey = (kid: string, alg: 'RS256' | 'ES256') => {
      const pair = alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
      keys.set(kid, { ...pair, alg });
    };
    const sign = (kid: string) =>
      tokenFor({ tenant: 'acme', sub: 'alice' }, { algorithm: keys.get(kid)?.alg ?? 'RS256', keyid: kid }, keys.get(kid)?.privateKey ?? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    let jwks: Server;
    let jwksUri: string;
    let testApp: TestApp;

    beforeAll(async () => {
      addKey('key-1', 'RS256');
      jwks = createServer((_req, res) => {
        const body = [...keys].map(([kid, { publicKey, alg }]) => ({ ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' }));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: body }));
      });
      await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
      jwksUri = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
      testApp = await startTestApp({ JWT_JWKS_URI: jwksUri, JWT_JWKS_CACHE_SECONDS: '1' }, database);
    });
    afterAll(async () => {
      await testApp.close();
      await new Promise((resolve) => jwks.close(resolve));
    });
    const call = (token: string) => request(testApp.server).get(PROTECTED_ROUTE).set(bearer(token));

    it('accepts a token whose kid is published', async () => {
      await call(sign('key-1')).expect(200);
    });

    it('accepts a new kid after rotation and refuses a removed one', async () => {
      addKey('key-2', 'ES256');
      await call(sign('key-2')).expect(200);
      keys.delete('key-1');
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expectInvalidToken(await call(sign('key-1')));
      await call(sign('key-2')).expect(200);
    });

    it('refuses an unknown kid', async () => {
      expectInvalidToken(await call(sign('never-published')));
    });

    it('answers 401, and keeps serving, when the JWKS endpoint is unreachable', async () => {
      const unreachable = await startTestApp({ JWT_JWKS_URI: 'http://127.0.0.1:9/jwks.json' }, database);
      try {
        expectInvalidToken(await request(unreachable.server).get(PROTECTED_ROUTE).set(bearer(sign('key-2'))));
        await request(unreachable.server).get('/health/live').expect(200);
      } finally {
        await unreachable.close();
      }
    });
  });
});

import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app.js';
import { createTestDatabase, TestDatabase } from '../support/test-database.js';
import { bearer, TokenClaims, tokenFor } from '../support/tokens.js';

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
    const sign = (claims: TokenClaims = valid, options: jwt.SignOptions = {}, key: jwt.Secret = secret) =>
      tokenFor(claims, { issuer: 'https://issuer.test', audience: 'tessera', ...options }, key);
    let testApp: TestApp;
    beforeAll(async () => {
      testApp = await startTestApp(
        {
          JWT_SECRET: secret,
          JWT_ISSUER: 'https://issuer.test',
          JWT_AUDIENCE: 'tessera',
          JWT_MAX_LIFETIME_SECONDS: '3600',
          // Every refused case below is a failed authentication from the same address.
          AUTH_FAILURES_PER_MINUTE: '100',
        },
        database,
      );
    });
    afterAll(() => testApp.close());
    const call = (headers: Record<string, string> = {}) => request(testApp.server).get(PROTECTED_ROUTE).set(headers);

    it('accepts a valid token', async () => {
      await call(bearer(sign())).expect(200);
    });

    it('refuses claims changed under the signature of a token it accepted before', async () => {
      const token = sign();
      await call(bearer(token)).expect(200);
      const [header, payload, signature] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const forged = Buffer.from(JSON.stringify({ ...claims, tenant_id: 'globex' })).toString('base64url');
      expectInvalidToken(await call(bearer(`${header}.${forged}.${signature}`)));
      await call(bearer(token)).expect(200);
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
      ['no tenant_id', bearer(sign({ sub: 'alice' }))],
      ['an empty tenant_id', bearer(sign({ tenant: ' ', sub: 'alice' }))],
      ['no sub', bearer(sign({ tenant: 'acme' }))],
      ['roles that are not strings', bearer(sign({ ...valid, roles: [1] } as unknown as TokenClaims))],
      ['a sub with surrounding whitespace', bearer(sign({ ...valid, sub: 'alice ' }))],
      ['a tenant_id with surrounding whitespace', bearer(sign({ ...valid, tenant: '\tacme' }))],
      ['a sub with a control character', bearer(sign({ ...valid, sub: 'ali\u0000ce' }))],
      ['a sub with a bidi override', bearer(sign({ ...valid, sub: 'ali\u202Ece' }))],
      ['a sub with a line separator', bearer(sign({ ...valid, sub: 'ali\u2028ce' }))],
      ['a sub that is not well-formed Unicode', bearer(sign({ ...valid, sub: 'ali\uD800ce' }))],
      ['a tenant_id that is not well-formed Unicode', bearer(sign({ ...valid, tenant: 'acme\uDC00' }))],
      ['a sub over 256 characters', bearer(sign({ ...valid, sub: 'a'.repeat(257) }))],
      ['a tenant_id over 256 characters', bearer(sign({ ...valid, tenant: 'a'.repeat(257) }))],
      ['a role with a control character', bearer(sign({ ...valid, roles: ['admin\n'] }))],
      ['more than 32 roles', bearer(sign({ ...valid, roles: Array.from({ length: 33 }, (_, index) => `role-${index}`) }))],
      ['a user whose sub poses as a service actor', bearer(sign({ ...valid, sub: 'service:planner' }))],
      ['the same in capitals', bearer(sign({ ...valid, sub: 'Service:planner' }))],
      ['a lifetime past JWT_MAX_LIFETIME_SECONDS', bearer(sign(valid, { expiresIn: 3_660 }))],
      ['no iat and an exp past the maximum lifetime from now', bearer(sign(valid, { expiresIn: 3_660, noTimestamp: true }))],
    ])('refuses %s', async (_case, headers) => {
      expectInvalidToken(await call(headers));
    });

    it.each<[string, TokenClaims, jwt.SignOptions]>([
      ['ids of 256 characters', { tenant: 't'.repeat(256), sub: 's'.repeat(256) }, {}],
      ['ids beyond ASCII', { tenant: 'zürich-ág', sub: 'zoë-🦊' }, {}],
      ['a lifetime of exactly JWT_MAX_LIFETIME_SECONDS', valid, { expiresIn: 3_600 }],
      ['no iat and an exp within the maximum lifetime', valid, { expiresIn: 3_540, noTimestamp: true }],
    ])('accepts %s', async (_case, claims, options) => {
      await call(bearer(sign(claims, options))).expect(200);
    });

    it('refuses an iat further in the future than the clock tolerance, whose lifetime would start there', async () => {
      const token = jwt.sign({ tenant_id: 'acme', iat: now() + 7_200 }, secret, {
        subject: 'alice',
        expiresIn: 600,
        issuer: 'https://issuer.test',
        audience: 'tessera',
      });
      expectInvalidToken(await call(bearer(token)));
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
      expectInvalidToken(
        await request(testApp.server)
          .get(PROTECTED_ROUTE)
          .set(bearer(`${header}.${payload}.${signature}`)),
      );
    });

    it('refuses an HS256 token signed with the development secret', async () => {
      expectInvalidToken(
        await request(testApp.server)
          .get(PROTECTED_ROUTE)
          .set(bearer(tokenFor({ tenant: 'acme', sub: 'alice' }))),
      );
    });
  });
});

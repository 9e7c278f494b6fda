import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app.js';
import { createTestDatabase, TestDatabase } from '../support/test-database.js';
import { bearer, JwksIssuer, startJwksIssuer } from '../support/tokens.js';

const PROTECTED_ROUTE = '/api/tasks';

describe('JWKS keys', () => {
  let database: TestDatabase;
  let issuer: JwksIssuer;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  beforeEach(async () => {
    issuer = await startJwksIssuer();
    issuer.addKey('key-1', 'RS256');
  });
  afterEach(() => issuer.close());
  afterAll(() => database.drop());

  /** Runs the test against an app verifying with the issuer's JWKS, then closes it. */
  async function withApp(
    environment: Record<string, string>,
    test: (call: (token: string) => request.Test) => Promise<void>,
  ): Promise<void> {
    const testApp: TestApp = await startTestApp({ ...issuer.environment, ...environment }, database);
    try {
      await test((token) => request(testApp.server).get(PROTECTED_ROUTE).set(bearer(token)));
    } finally {
      await testApp.close();
    }
  }

  it('refuses to start without an issuer and an audience to check', async () => {
    await expect(startTestApp({ JWT_JWKS_URI: issuer.environment.JWT_JWKS_URI }, database)).rejects.toThrow(
      /JWT_JWKS_URI requires JWT_ISSUER and JWT_AUDIENCE/,
    );
  });

  it('accepts a published kid, a new one after rotation, and refuses a removed or unknown one', async () => {
    await withApp({ JWT_JWKS_CACHE_SECONDS: '1', JWT_JWKS_COOLDOWN_SECONDS: '1' }, async (call) => {
      await call(issuer.sign('key-1')).expect(200);
      issuer.addKey('key-2', 'ES256');
      await sleep(1_000);
      await call(issuer.sign('key-2')).expect(200);
      issuer.removeKey('key-1');
      await sleep(1_100);
      await call(issuer.sign('key-1')).expect(401);
      await call(issuer.sign('key-2')).expect(200);
      await call(issuer.sign('never-published')).expect(401);
    });
  });

  it('costs at most one fetch per cooldown under a flood of invented kids, and keeps valid tokens passing, also while the JWKS fails', async () => {
    const cooldownMs = 2_000;
    const environment = {
      JWT_JWKS_CACHE_SECONDS: '1',
      JWT_JWKS_COOLDOWN_SECONDS: String(cooldownMs / 1000),
      AUTH_FAILURES_PER_MINUTE: '100000',
    };
    await withApp(environment, async (call) => {
      const started = Date.now();
      /** Rounds of 20 invented kids and one valid token, for the duration; returns the fetches they caused. */
      const flood = async (durationMs: number) => {
        const [fetchesBefore, until] = [issuer.fetches, Date.now() + durationMs];
        while (Date.now() < until) {
          const invented = Array.from({ length: 20 }, () => call(issuer.sign(randomUUID())).expect(401));
          await Promise.all([...invented, call(issuer.sign('key-1')).expect(200)]);
          await sleep(50);
        }
        return issuer.fetches - fetchesBefore;
      };
      await call(issuer.sign('key-1')).expect(200);
      await flood(4_500);
      expect(issuer.fetches).toBeLessThanOrEqual(Math.floor((Date.now() - started) / cooldownMs) + 1);

      issuer.failing = true;
      expect(await flood(4_000)).toBeGreaterThan(0);
      expect(issuer.fetches).toBeLessThanOrEqual(Math.floor((Date.now() - started) / cooldownMs) + 1);
    });
  }, 20_000);

  it('counts invented kids toward the failed authentications of the address', async () => {
    await withApp({ AUTH_FAILURES_PER_MINUTE: '5' }, async (call) => {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        await call(issuer.sign(randomUUID())).expect(401);
      }
      await call(issuer.sign(randomUUID())).expect(429);
      await call(issuer.sign('key-1')).expect(200);
    });
  });

  it('answers 401, and keeps serving, when the JWKS endpoint is unreachable', async () => {
    const unreachable = await startTestApp({ ...issuer.environment, JWT_JWKS_URI: 'http://127.0.0.1:9/jwks.json' }, database);
    try {
      await request(unreachable.server)
        .get(PROTECTED_ROUTE)
        .set(bearer(issuer.sign('key-1')))
        .expect(401);
      await request(unreachable.server).get('/health/live').expect(200);
    } finally {
      await unreachable.close();
    }
  });
});

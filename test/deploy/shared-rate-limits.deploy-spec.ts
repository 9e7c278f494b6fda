import type { Redis } from 'ioredis';
import { FixedWindowThrottlerStorage } from '../../src/platform/rate-limit/fixed-window-storage.js';
import { RATE_LIMIT_KEY_PREFIX, RedisThrottlerStorage } from '../../src/platform/rate-limit/redis-throttler-storage.js';
import { bearer, tokenFor } from '../support/tokens.js';
import { type DeployDatabase, startDeployDatabase, startTessera, type TesseraInstance } from './support/index.js';
import { type RedisServer, startRedis } from './support/redis.js';

const LIMIT = 10;
const AUTH_FAILURES = 3;
/** More than both instances could admit on their own counters, so a shared limit and per-instance ones differ. */
const BURST = 2 * LIMIT + 4;
const USERS = ['ada', 'bob', 'cy', 'dee'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('rate limits shared through Redis by two instances (ADR 0010)', () => {
  let database: DeployDatabase | undefined;
  let redis: RedisServer | undefined;
  let instances: TesseraInstance[] = [];
  let inspector: Redis;

  beforeAll(async () => {
    database = await startDeployDatabase();
    redis = await startRedis();
    inspector = redis.client();
    const env = {
      DATABASE_URL: database.runtimeUrl,
      DATABASE_OWNER_URL: database.ownerUrl,
      RATE_LIMIT_REDIS_URL: redis.url,
      RATE_LIMIT_PER_MINUTE: String(LIMIT),
      // As high as the tenant's: the tenant's limit is the one a burst from several users reaches.
      RATE_LIMIT_PER_USER_PER_MINUTE: String(LIMIT),
      AUTH_FAILURES_PER_MINUTE: String(AUTH_FAILURES),
    };
    // Two servers starting at once on a small, shared machine can take longer than the default 30 s.
    instances = await Promise.all([0, 1].map(() => startTessera({ env, readyTimeoutMs: 90_000 })));
  });

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.kill()));
    await redis?.stop();
    await database?.stop();
  });

  /** A tenant's users all at once, alternating between the instances: the status codes and answers. */
  async function burst(tenant: string, count = BURST): Promise<Response[]> {
    return Promise.all(
      Array.from({ length: count }, (_, i) =>
        fetch(`${instances[i % 2].origin}/api/projects`, { headers: bearer(tokenFor({ tenant, sub: USERS[i % USERS.length] })) }),
      ),
    );
  }

  const countOf = (answers: Response[], status: number) => answers.filter((answer) => answer.status === status).length;

  /** Sends one request per instance for a probe tenant until both have counted it in Redis again. */
  async function untilBothCountInRedis(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      const counted = await Promise.all(
        instances.map(async (instance, i) => {
          const tenant = `probe-${attempt}-${i}`;
          await fetch(`${instance.origin}/api/projects`, { headers: bearer(tokenFor({ tenant, sub: 'probe' })) });
          return (await inspector.exists(`${RATE_LIMIT_KEY_PREFIX}tenant:tenant:${tenant}`)) === 1;
        }),
      );
      if (counted.every(Boolean)) return;
      await sleep(200);
    }
    throw new Error('the instances did not count in Redis again');
  }

  it("admit a tenant's limit once across both instances, then answer 429 with Retry-After, other tenants untouched", async () => {
    const answers = await burst('acme');

    expect(countOf(answers, 200)).toBe(LIMIT);
    expect(countOf(answers, 429)).toBe(BURST - LIMIT);
    for (const refused of answers.filter((answer) => answer.status === 429)) {
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(await refused.json()).toMatchObject({ scope: 'tenant', limit: LIMIT });
    }
    const other = await fetch(`${instances[1].origin}/api/projects`, { headers: bearer(tokenFor({ tenant: 'globex', sub: 'ada' })) });
    expect(other.status).toBe(200);
  });

  it('keep every counter under the tessera:rl: prefix, expiring with its window', async () => {
    const keys = await inspector.keys('*');
    expect(keys).toContain(`${RATE_LIMIT_KEY_PREFIX}tenant:tenant:acme`);
    for (const key of keys) {
      expect(key.startsWith(RATE_LIMIT_KEY_PREFIX)).toBe(true);
      const ttl = await inspector.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }
  });

  it('share the failed-authentication limit of an address', async () => {
    const forged = bearer(tokenFor({ tenant: 'acme', sub: 'ada' }, {}, 'a-guessed-secret-that-is-long-enough-to-sign'));
    const statuses: number[] = [];
    for (let i = 0; i < 2 * AUTH_FAILURES; i++) {
      statuses.push((await fetch(`${instances[i % 2].origin}/api/projects`, { headers: forged })).status);
    }
    expect(statuses).toEqual([...Array(AUTH_FAILURES).fill(401), ...Array(AUTH_FAILURES).fill(429)]);
  });

  it('fall back to per-instance limits while Redis is down, staying ready, and share them again once it is back', async () => {
    await redis?.kill();

    const answers = await burst('initech');
    // Each instance admits the whole limit on its own counters: nothing fails, and nothing is unlimited.
    expect(countOf(answers, 200)).toBe(2 * LIMIT);
    expect(countOf(answers, 429)).toBe(BURST - 2 * LIMIT);
    for (const instance of instances) {
      expect((await fetch(`${instance.origin}/health/ready`)).status).toBe(200);
    }

    await redis?.start();
    await untilBothCountInRedis();
    expect(countOf(await burst('umbrella'), 200)).toBe(LIMIT);
  });

  it('answer without waiting on a Redis that stopped answering', async () => {
    redis?.freeze();
    try {
      for (let i = 0; i < 6; i++) {
        const started = Date.now();
        const answer = await fetch(`${instances[i % 2].origin}/api/projects`, {
          headers: bearer(tokenFor({ tenant: 'hooli', sub: 'ada' })),
        });
        expect(answer.status).toBe(200);
        // At most one command timeout (500 ms) per instance, then local counting: a generous bound on a busy machine.
        expect(Date.now() - started).toBeLessThan(2_000);
      }
    } finally {
      redis?.thaw();
    }
  });

  it('stop gracefully while connected to Redis', async () => {
    await untilBothCountInRedis();
    expect(await instances[0].stop()).toBe(0);
  });
});

describe('RedisThrottlerStorage', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis.stop());

  it('counts the same fixed windows as the in-memory storage, block duration included', async () => {
    const shared = await RedisThrottlerStorage.connect(redis.url);
    const local = new FixedWindowThrottlerStorage();
    // ttl 1.5 s, limit 2, blocked 2.5 s past the limit; and a limit without a block duration.
    const steps: { waitMs: number; key: string; blockMs: number }[] = [
      ...[0, 0, 0, 0].map(() => ({ waitMs: 0, key: 'blocked', blockMs: 2_500 })),
      { waitMs: 1_700, key: 'blocked', blockMs: 2_500 },
      { waitMs: 1_000, key: 'blocked', blockMs: 2_500 },
      ...[0, 0, 0, 0].map(() => ({ waitMs: 0, key: 'window', blockMs: 0 })),
      { waitMs: 1_700, key: 'window', blockMs: 0 },
    ];
    try {
      for (const { waitMs, key, blockMs } of steps) {
        await sleep(waitMs);
        const [inRedis, inMemory] = await Promise.all(
          [shared, local].map((storage) => storage.increment(key, 1_500, 2, blockMs, 'contract')),
        );
        expect(inRedis).toEqual(inMemory);
      }
    } finally {
      shared.onApplicationShutdown();
      local.onApplicationShutdown();
    }
  });
});

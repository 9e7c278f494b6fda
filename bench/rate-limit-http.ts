import autocannon from 'autocannon';
import { startDeployDatabase, startTessera } from '../test/deploy/support/index.js';
import { startRedis } from '../test/deploy/support/redis.js';
import { tokenFor } from '../test/support/tokens.js';
import { printLoadAverage } from './load-average.js';

/**
 * A cheap authenticated GET (an empty project list: JWT, both rate limits, one unit of work) on the
 * built server counting its limits in memory, then in Redis, alternating over rounds (ADR 0010).
 * Needs redis-server and a build; runs from source:
 *
 *   npm run build && node --import ./scripts/swc-register.mjs bench/rate-limit-http.ts
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS ?? 10);
const CONNECTIONS = 16;
const TENANTS = 100;

const headers = Array.from({ length: TENANTS }, (_, i) => ({
  authorization: `Bearer ${tokenFor({ tenant: `bench-${i}`, sub: 'user' }, { expiresIn: '1h' })}`,
}));

async function main(): Promise<void> {
  const database = await startDeployDatabase();
  const redis = await startRedis();
  const base = {
    DATABASE_URL: database.runtimeUrl,
    DATABASE_OWNER_URL: database.ownerUrl,
    RATE_LIMIT_PER_MINUTE: '100000000',
    DB_POOL_MAX: '10',
  };
  const stores: [string, Record<string, string>][] = [
    ['in memory', base],
    ['Redis', { ...base, RATE_LIMIT_REDIS_URL: redis.url }],
  ];
  printLoadAverage('start');
  try {
    console.log('| store | round | requests/s | p50 ms | p99 ms | non-2xx |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [name, env] of round % 2 ? stores : [...stores].reverse()) {
        const server = await startTessera({ env, readyTimeoutMs: 90_000 });
        try {
          let next = 0;
          const result = await autocannon({
            url: `${server.origin}/api/projects`,
            connections: CONNECTIONS,
            duration: DURATION_SECONDS,
            requests: [{ setupRequest: (request) => ({ ...request, headers: headers[next++ % TENANTS] }) }],
          });
          const failures = result.non2xx + result.errors + result.timeouts;
          console.log(
            `| ${name} | ${round} | ${result.requests.average.toFixed(0)} | ${result.latency.p50} | ${result.latency.p99} | ${failures} |`,
          );
        } finally {
          await server.stop();
        }
      }
    }
    printLoadAverage('end');
  } finally {
    await redis.stop();
    await database.stop();
  }
}

await main();

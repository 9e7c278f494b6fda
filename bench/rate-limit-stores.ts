import { rm } from 'node:fs/promises';
import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import pg from 'pg';
import { startEmbeddedDatabase } from '../src/platform/database/embedded-database.js';
import { FixedWindowThrottlerStorage } from '../src/platform/rate-limit/fixed-window-storage.js';
import { RedisThrottlerStorage } from '../src/platform/rate-limit/redis-throttler-storage.js';
import { startRedis } from '../test/deploy/support/redis.js';
import { freePort } from '../test/support/free-port.js';
import { printLoadAverage } from './load-average.js';

/**
 * What one rate-limit check costs in each candidate store (ADR 0010): this instance's memory, Redis
 * (RedisThrottlerStorage, one script call) and a PostgreSQL counter (one upsert on an unlogged
 * table). Rounds alternate the stores so that the noise of a shared machine falls on all of them;
 * each line gives the median of the rounds and their spread. Needs redis-server; runs from source:
 *
 *   node --import ./scripts/swc-register.mjs bench/rate-limit-stores.ts
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 2_000);
const CONCURRENCY = 32;
const TENANTS = 1_000;
const MINUTE_MS = 60_000;
/** Far above what a round reaches: every call counts, none is refused. */
const LIMIT = 1_000_000_000;
const DATA_DIR = '.data/bench-rate-limit-postgres';

const COUNTER_TABLE = `
  create unlogged table if not exists rate_limit_window (
    key text primary key,
    hits integer not null,
    resets_at timestamptz not null
  )`;
/** The fixed window of FixedWindowThrottlerStorage as one statement (without the block duration). */
const COUNT_IN_POSTGRES = `
  insert into rate_limit_window as w (key, hits, resets_at)
  values ($1, 1, clock_timestamp() + $2 * interval '1 millisecond')
  on conflict (key) do update set
    hits = case when w.resets_at <= clock_timestamp() then 1 else w.hits + 1 end,
    resets_at = case when w.resets_at <= clock_timestamp() then excluded.resets_at else w.resets_at end
  returning hits, resets_at`;

type Count = (key: string) => Promise<unknown>;

interface Mode {
  name: string;
  concurrency: number;
  key: (call: number) => string;
}

const MODES: Mode[] = [
  { name: 'one caller at a time', concurrency: 1, key: (call) => `tenant:${call % TENANTS}` },
  { name: `${CONCURRENCY} in flight, ${TENANTS} tenants`, concurrency: CONCURRENCY, key: (call) => `tenant:${call % TENANTS}` },
  { name: `${CONCURRENCY} in flight, one tenant`, concurrency: CONCURRENCY, key: () => 'tenant:hot' },
];

/** Calls per second over ROUND_MS with `concurrency` callers, each starting its next call when the last one ends. */
async function round(count: Count, mode: Mode): Promise<number> {
  let calls = 0;
  const deadline = performance.now() + ROUND_MS;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: mode.concurrency }, async () => {
      while (performance.now() < deadline) await count(mode.key(calls++));
    }),
  );
  return calls / ((performance.now() - started) / 1000);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const format = (perSecond: number) => `${Math.round(perSecond).toLocaleString('en')}/s (${(1e6 / perSecond).toFixed(1)} µs a call)`;

async function main(): Promise<void> {
  await rm(DATA_DIR, { recursive: true, force: true });
  const database = await startEmbeddedDatabase({
    dir: DATA_DIR,
    port: await freePort(),
    database: 'bench',
    logger: new Logger('BenchPostgres'),
  });
  const redis = await startRedis();
  const pool = new pg.Pool({ connectionString: database.adminUrl, max: 10 });
  const memory = new FixedWindowThrottlerStorage();
  const shared = await RedisThrottlerStorage.connect(redis.url);
  printLoadAverage('start');
  try {
    await pool.query(COUNTER_TABLE);
    const throttler =
      (storage: ThrottlerStorage): Count =>
      (key) =>
        storage.increment(key, MINUTE_MS, LIMIT, MINUTE_MS, 'tenant');
    const stores: [string, Count][] = [
      ['in memory', throttler(memory)],
      ['Redis (script)', throttler(shared)],
      ['PostgreSQL (upsert, unlogged)', (key) => pool.query(COUNT_IN_POSTGRES, [key, MINUTE_MS])],
    ];
    console.log(`| store | calls | median of ${ROUNDS} rounds | slowest – fastest round |`);
    console.log('| --- | --- | --- | --- |');
    for (const mode of MODES) {
      const results = new Map<string, number[]>(stores.map(([name]) => [name, []]));
      for (let r = 0; r < ROUNDS; r++) {
        // A different store goes first in each round.
        for (let s = 0; s < stores.length; s++) {
          const [name, count] = stores[(r + s) % stores.length];
          results.get(name)?.push(await round(count, mode));
        }
      }
      for (const [name, rates] of results) {
        console.log(
          `| ${name} | ${mode.name} | ${format(median(rates))} | ${format(Math.min(...rates))} – ${format(Math.max(...rates))} |`,
        );
      }
    }
    printLoadAverage('end');
  } finally {
    memory.onApplicationShutdown();
    shared.onApplicationShutdown();
    await pool.end();
    await redis.stop();
    await database.stop();
    await rm(DATA_DIR, { recursive: true, force: true });
  }
}

await main();

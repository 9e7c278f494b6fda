import { rm } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import autocannon from 'autocannon';
import pg from 'pg';
import { startEmbeddedDatabase } from '../src/platform/database/embedded-database.js';
import { migrateToLatest } from '../src/platform/database/migrations.js';
import {
  BENCH_USER,
  CONNECTIONS,
  DASHBOARDS_PER_TENANT,
  DATA_DIR,
  DATABASE_PORT,
  DURATION_SECONDS,
  HTTP_PORT,
  LESSONS_PER_TENANT,
  SEARCH_QUERY,
  SHAPE,
  TYPO_QUERY,
  tokensOf,
  WIDGETS_PER_DASHBOARD,
} from './bench-settings.js';
import { topSelfFrames } from './cpu-profile.js';
import { type BenchDashboard, benchDashboards, layoutSwap, seedDashboardsAsSuperuser } from './dashboards.js';
import { seedLessonsAsSuperuser } from './lessons.js';
import { printLoadAverage } from './load-average.js';
import { seedAsSuperuser } from './seed.js';
import { startBuiltServer } from './server.js';

/**
 * npm run bench -- --compare [--cpu-prof]: Tessera and its thin twin (bench/twin) side by side on one
 * database, both running, one driven at a time: each route Tessera, twin, Tessera, twin, and a Markdown
 * table of the ratios. With --cpu-prof, Tessera runs under the V8 profiler and its top self-time frames follow.
 */
const TWIN_PORT = HTTP_PORT + 1;
/** BENCH_COMPARE_ROUNDS: rounds per route (each server driven once per round); more average out a noisy machine. */
const ROUNDS = Number(process.env.BENCH_COMPARE_ROUNDS ?? 2);
/** Unrecorded load on each server before a route's rounds: JIT, pool connections and caches warm for both alike. */
const WARM_UP_SECONDS = 3;
const PROFILE_DIR = `${DATA_DIR}-cpu-profiles`;
/** BENCH_REUSE_DATA=true: measure again on the data directory an earlier compare seeded (seeding takes minutes), seeding only what it lacks. */
const REUSE_DATA = process.env.BENCH_REUSE_DATA === 'true';
/** BENCH_COMPARE_ROUTES=layout,lessons: only the routes whose names contain one of these. */
const ROUTE_FILTER = process.env.BENCH_COMPARE_ROUTES?.split(',');

/** What each tenant's requests name, by tenant index. */
interface Targets {
  dashboards: { read: BenchDashboard; moved: BenchDashboard }[];
  readTaskIds: string[];
  movedTaskIds: string[];
}

interface Route {
  name: string;
  method?: 'GET' | 'POST' | 'PATCH';
  path: (tenant: number) => string;
  body?: (tenant: number) => string;
}

interface Cell {
  requestsPerSecond: number;
  p99: number;
  failures: number;
}

function routesOf(targets: Targets): Route[] {
  // Each tenant's task moves running → awaiting_approval → running …: a legal move every time, on either server.
  const moves = new Array<number>(SHAPE.tenants).fill(0);
  const layoutBatches = new Array<number>(SHAPE.tenants).fill(0);
  return [
    { name: 'GET /api/dashboards/:id', path: (tenant) => `/api/dashboards/${targets.dashboards[tenant].read.id}` },
    { name: 'GET /api/tasks?limit=50', path: () => '/api/tasks?limit=50' },
    { name: 'GET /api/tasks/:id', path: (tenant) => `/api/tasks/${targets.readTaskIds[tenant]}` },
    {
      name: 'POST /api/tasks',
      method: 'POST',
      path: () => '/api/tasks',
      body: () => JSON.stringify({ prompt: 'Refactor the billing module and add tests', config: { model: 'large' } }),
    },
    {
      name: 'POST /api/tasks/:id/transitions',
      method: 'POST',
      path: (tenant) => `/api/tasks/${targets.movedTaskIds[tenant]}/transitions`,
      body: (tenant) => JSON.stringify({ to: moves[tenant]++ % 2 === 0 ? 'awaiting_approval' : 'running' }),
    },
    {
      name: 'PATCH /api/dashboards/:id/layout',
      method: 'PATCH',
      path: (tenant) => `/api/dashboards/${targets.dashboards[tenant].moved.id}/layout`,
      body: (tenant) => layoutSwap(targets.dashboards[tenant].moved, layoutBatches[tenant]++ % 2 === 0),
    },
    { name: `GET /api/lessons?q=${SEARCH_QUERY} (ranked)`, path: () => `/api/lessons?q=${encodeURIComponent(SEARCH_QUERY)}` },
    { name: `GET /api/lessons?q=${TYPO_QUERY} (typo fallback)`, path: () => `/api/lessons?q=${encodeURIComponent(TYPO_QUERY)}` },
  ];
}

async function drive(port: number, route: Route, tokens: string[], seconds = DURATION_SECONDS): Promise<Cell> {
  let next = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        setupRequest: (request) => {
          const tenant = next++ % SHAPE.tenants;
          return {
            ...request,
            method: route.method ?? 'GET',
            path: route.path(tenant),
            headers: { authorization: `Bearer ${tokens[tenant]}`, 'content-type': 'application/json' },
            ...(route.body && { body: route.body(tenant) }),
          };
        },
      },
    ],
  });
  return { requestsPerSecond: result.requests.average, p99: result.latency.p99, failures: result.non2xx + result.errors + result.timeouts };
}

/**
 * The benchmark's data — the tasks, dashboards and lessons suites' — each part seeded unless the
 * (reused) database has it already.
 */
async function seed(adminUrl: string): Promise<void> {
  const parts: [table: string, seed: () => Promise<unknown>][] = [
    ['tasks', () => seedAsSuperuser(adminUrl, SHAPE)],
    ['dashboards', () => seedDashboardsAsSuperuser(adminUrl, SHAPE.tenants, DASHBOARDS_PER_TENANT, WIDGETS_PER_DASHBOARD, BENCH_USER)],
    ['lessons', () => seedLessonsAsSuperuser(adminUrl, SHAPE.tenants, LESSONS_PER_TENANT)],
  ];
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const [table, seedPart] of parts) {
      const { rows } = await client.query(`select exists (select from ${table}) as seeded`);
      if (rows[0].seeded) continue;
      const started = Date.now();
      await seedPart();
      console.log(`Seeded ${table} of ${SHAPE.tenants} tenants in ${Date.now() - started} ms`);
    }
  } finally {
    await client.end();
  }
}

/** Per tenant, the dashboard to read and the tasks to read and to move (this one set running, for the cycle). */
async function targetsOf(adminUrl: string): Promise<Targets> {
  const dashboards = await benchDashboards(adminUrl, SHAPE.tenants);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ read_id: string; moved_id: string }>(
      `select (select id from tasks where tenant_id = 'bench-tenant-' || t order by created_at desc, id desc offset 7 limit 1) as read_id,
              (select id from tasks where tenant_id = 'bench-tenant-' || t order by created_at, id limit 1) as moved_id
       from generate_series(1, $1::int) as t order by t`,
      [SHAPE.tenants],
    );
    await client.query(`update tasks set state = 'running', current_agent = null, completed_at = null where id = any($1::uuid[])`, [
      rows.map((row) => row.moved_id),
    ]);
    return {
      dashboards,
      readTaskIds: rows.map((row) => row.read_id),
      movedTaskIds: rows.map((row) => row.moved_id),
    };
  } finally {
    await client.end();
  }
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/** The last round's requests/s against the first's: `+5 % (400 → 420)`. */
function drift(cells: Cell[]): string {
  const [first, last] = [cells[0].requestsPerSecond, cells[cells.length - 1].requestsPerSecond];
  const percent = (100 * (last - first)) / first;
  return `${percent >= 0 ? '+' : ''}${percent.toFixed(0)} % (${cells.map((cell) => cell.requestsPerSecond.toFixed(0)).join(' → ')})`;
}

function row(route: Route, tessera: Cell[], twin: Cell[]): string {
  const [tesseraRate, twinRate] = [mean(tessera.map((cell) => cell.requestsPerSecond)), mean(twin.map((cell) => cell.requestsPerSecond))];
  const [tesseraP99, twinP99] = [mean(tessera.map((cell) => cell.p99)), mean(twin.map((cell) => cell.p99))];
  const failures = [...tessera, ...twin].reduce((sum, cell) => sum + cell.failures, 0);
  return (
    `| ${route.name} | ${tesseraRate.toFixed(0)} | ${twinRate.toFixed(0)} | ${(tesseraRate / twinRate).toFixed(2)}× ` +
    `| ${tesseraP99.toFixed(0)} ms | ${twinP99.toFixed(0)} ms | ${(tesseraP99 / twinP99).toFixed(2)}× | ${drift(tessera)} | ${drift(twin)}` +
    `${failures > 0 ? ` — ${failures} non-2xx/errors` : ''} |`
  );
}

export async function compareWithTwin({ cpuProfile }: { cpuProfile: boolean }): Promise<void> {
  if (!REUSE_DATA) await rm(DATA_DIR, { recursive: true, force: true });
  await rm(PROFILE_DIR, { recursive: true, force: true });
  const database = await startEmbeddedDatabase({ dir: DATA_DIR, port: DATABASE_PORT, database: 'tessera' });
  try {
    const adminUrl = database.adminUrl.replace(/\/postgres$/, '/tessera');
    if (!REUSE_DATA) await migrateToLatest(database.ownerUrl);
    await seed(adminUrl);
    const targets = await targetsOf(adminUrl);
    const nodeArguments = cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
    const tessera = await startBuiltServer(database.runtimeUrl, HTTP_PORT, {}, { nodeArguments });
    const twin = await startBuiltServer(database.runtimeUrl, TWIN_PORT, {}, { script: 'dist/bench/twin/main.js' });
    const tokens = tokensOf([]);
    try {
      console.log(
        `\nNode ${process.version}, ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB; ${CONNECTIONS} connections, ${DURATION_SECONDS} s per cell, ${WARM_UP_SECONDS} s warm-up each, Tessera and twin alternating ×${ROUNDS} (ABBA…)`,
      );
      printLoadAverage('start');
      const rows: string[] = [];
      for (const route of routesOf(targets).filter(({ name }) => !ROUTE_FILTER || ROUTE_FILTER.some((part) => name.includes(part)))) {
        const cells = { tessera: [] as Cell[], twin: [] as Cell[] };
        const servers = [
          { port: HTTP_PORT, cells: cells.tessera },
          { port: TWIN_PORT, cells: cells.twin },
        ];
        for (const { port } of servers) await drive(port, route, tokens, WARM_UP_SECONDS);
        for (let round = 0; round < ROUNDS; round++) {
          // Each goes first in every other round: neither gains from the order.
          for (const { port, cells: recorded } of round % 2 === 0 ? servers : [...servers].reverse()) {
            recorded.push(await drive(port, route, tokens));
          }
        }
        rows.push(row(route, cells.tessera, cells.twin));
        console.log(rows.at(-1));
      }
      printLoadAverage('end');
      console.log(
        [
          '',
          '| route | Tessera req/s | twin req/s | ratio | Tessera p99 | twin p99 | p99 ratio | Tessera drift (last round vs first) | twin drift |',
          '|---|---|---|---|---|---|---|---|---|',
          ...rows,
        ].join('\n'),
      );
    } finally {
      await twin.stop();
      await tessera.stop();
    }
    if (cpuProfile) console.log(`\nTessera's top self-time frames (${PROFILE_DIR}):\n${await topSelfFrames(PROFILE_DIR)}`);
  } finally {
    await database.stop();
  }
}

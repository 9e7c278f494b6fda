import { rm } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import autocannon from 'autocannon';
import jwt from 'jsonwebtoken';
import { DEVELOPMENT_JWT_SECRET } from '../src/config/environment.js';
import { startEmbeddedDatabase } from '../src/platform/database/embedded-database.js';
import { migrateToLatest } from '../src/platform/database/migrations.js';
import { explainListQueries } from './explain.js';
import { seedAsSuperuser, SeedShape, tenantName } from './seed.js';
import { startBuiltServer } from './server.js';

/**
 * npm run bench: boots the built server on a fresh embedded database, seeds it, and drives the
 * authenticated read routes with autocannon. Prints one Markdown row per scenario for BENCHMARKS.md.
 */
const SHAPE: SeedShape = { tenants: 100, tasksPerTenant: 2_000 };
const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DATA_DIR = '.data/bench-postgres';
const DATABASE_PORT = 54331;
const HTTP_PORT = 3100;

const tokens = Array.from({ length: SHAPE.tenants }, (_, index) =>
  jwt.sign({ tenant_id: tenantName(index + 1) }, DEVELOPMENT_JWT_SECRET, { subject: 'bench-user', expiresIn: '1h' }),
);

interface Scenario {
  name: string;
  path: (tenantIndex: number) => string;
}

async function measure(scenario: Scenario): Promise<string> {
  let next = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${HTTP_PORT}`,
    connections: CONNECTIONS,
    duration: DURATION_SECONDS,
    requests: [
      {
        setupRequest: (request) => {
          const tenantIndex = next++ % SHAPE.tenants;
          return { ...request, path: scenario.path(tenantIndex), headers: { authorization: `Bearer ${tokens[tenantIndex]}` } };
        },
      },
    ],
  });
  const failures = result.non2xx + result.errors + result.timeouts;
  return `| ${scenario.name} | ${result.requests.average.toFixed(0)} | ${result.latency.p50} | ${result.latency.p99} | ${failures} |`;
}

async function main(): Promise<void> {
  await rm(DATA_DIR, { recursive: true, force: true });
  const database = await startEmbeddedDatabase({ dir: DATA_DIR, port: DATABASE_PORT, database: 'tessera' });
  try {
    await migrateToLatest(database.ownerUrl);
    const adminTesseraUrl = database.adminUrl.replace(/\/postgres$/, '/tessera');
    const seedStart = Date.now();
    await seedAsSuperuser(adminTesseraUrl, SHAPE);
    console.log(`Seeded ${SHAPE.tenants * SHAPE.tasksPerTenant} tasks across ${SHAPE.tenants} tenants in ${Date.now() - seedStart} ms`);

    console.log(`\n${await explainListQueries(database.runtimeUrl, tenantName(1))}`);

    const server = await startBuiltServer(database.runtimeUrl, HTTP_PORT);
    try {
      const firstPages = await Promise.all(
        tokens.map(async (token) => {
          const page = await fetch(`http://127.0.0.1:${HTTP_PORT}/api/tasks?limit=50`, { headers: { authorization: `Bearer ${token}` } });
          return (await page.json()) as { items: { id: string }[]; nextCursor: string };
        }),
      );
      const scenarios: Scenario[] = [
        { name: 'GET /api/tasks?limit=50 (first page)', path: () => '/api/tasks?limit=50' },
        { name: 'GET /api/tasks?limit=50&cursor=… (second page)', path: (tenant) => `/api/tasks?limit=50&cursor=${firstPages[tenant].nextCursor}` },
        { name: 'GET /api/tasks/:id', path: (tenant) => `/api/tasks/${firstPages[tenant].items[7].id}` },
        { name: 'GET /api/tasks?state=running&limit=50', path: () => '/api/tasks?state=running&limit=50' },
        { name: 'GET /health/live (no auth, no database)', path: () => '/health/live' },
      ];
      console.log(`\nNode ${process.version}, ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB; ${CONNECTIONS} connections, ${DURATION_SECONDS} s each\n`);
      console.log('| route | requests/s | p50 ms | p99 ms | non-2xx/errors |');
      console.log('|---|---|---|---|---|');
      for (const scenario of scenarios) {
        console.log(await measure(scenario));
      }
    } finally {
      await server.stop();
    }
  } finally {
    await database.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

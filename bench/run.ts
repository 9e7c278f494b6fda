import { rm } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import autocannon from 'autocannon';
import { MAX_EXECUTIONS_PER_TASK, MAX_OUTCOME_BYTES } from '../src/modules/tasks/task-limits.js';
import { startEmbeddedDatabase } from '../src/platform/database/embedded-database.js';
import { migrateToLatest } from '../src/platform/database/migrations.js';
import { encodeCursor, NEWEST_FIRST } from '../src/platform/pagination/keyset.js';
import { assetsSuite } from './assets.js';
import { AUDIT_LARGE_TENANT_ENTRIES, explainAuditQueries, seedAuditAsSuperuser, setAuditCapture, unsealedEntries } from './audit.js';
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
import { compareWithTwin } from './compare.js';
import { type BenchDashboard, benchDashboards, explainDashboardRead, layoutSwap, seedDashboardsAsSuperuser } from './dashboards.js';
import { DENSE_GRAPH_TASKS, type IsolationSeed, seedIsolationAsSuperuser } from './isolation.js';
import { explainLessonQueries, seedLessonsAsSuperuser } from './lessons.js';
import { projectIdsNamed, rowAt, seedAsSuperuser, tenantName } from './seed.js';
import { startBuiltServer } from './server.js';
import { explainTaskQueries } from './tasks.js';

/**
 * npm run bench [-- tasks|lessons|dashboards]: boots the built server on a fresh embedded database, seeds it,
 * and drives the routes with autocannon. Prints one Markdown row per scenario for BENCHMARKS.md.
 * npm run bench -- --compare [--cpu-prof]: Tessera against its thin twin instead (bench/compare.ts).
 */
const DEEP_OFFSET = 40_000;
const LARGE_TENANT = 0;
/** Audit logs are read by a tenant's few administrators, not by every user at once. */
const ADMIN_CONNECTIONS = 4;
const SEARCH_TAGS = ['tag-3', 'tag-17'];
let deepCursor = '';
/** Each tenant's project-0, once the tasks suite has seeded projects (by tenant index). */
let benchProjects: string[] = [];
let dashboards: { read: BenchDashboard; moved: BenchDashboard }[] = [];
/** The isolation suite: the tenant that drives the most expensive reads, and the one measured beside it. */
const GREEDY_TENANT = 0;
const QUIET_TENANT = 1;
const ISOLATION_TENANTS = 2;
let isolation: IsolationSeed;
/** Layout batches sent per tenant: even ones swap the first two widgets, odd ones swap them back. */
const layoutMoves = new Array<number>(SHAPE.tenants).fill(0);

const tokens = tokensOf([]);
const adminTokens = tokensOf(['admin']);
let adminDatabaseUrl = '';

interface Scenario {
  name: string;
  path: (tenantIndex: number) => string;
  /** Only this tenant (by index), instead of all of them in turn. */
  tenant?: number;
  method?: 'GET' | 'POST' | 'PATCH';
  /** The JSON body: the same for every request, or made for each (by tenant index). */
  body?: string | ((tenantIndex: number) => string);
  /** Sent with an admin token instead of a plain user's. */
  admin?: boolean;
  /** Concurrent connections, when not CONNECTIONS (e.g. the few admins of a tenant). */
  connections?: number;
  /** Runs before the scenario is measured (e.g. switches auditing off). */
  prepare?: () => Promise<void>;
  /** Driven at the same time, and reported after it (another tenant's load). */
  alongside?: Scenario[];
}

async function measure(scenario: Scenario): Promise<string> {
  await scenario.prepare?.();
  const [row, ...alongside] = await Promise.all([drive(scenario), ...(scenario.alongside ?? []).map((other) => drive(other, '  while: '))]);
  return [row, ...alongside].join('\n');
}

async function drive(scenario: Scenario, prefix = ''): Promise<string> {
  const bearerTokens = scenario.admin ? adminTokens : tokens;
  let next = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${HTTP_PORT}`,
    connections: scenario.connections ?? CONNECTIONS,
    duration: DURATION_SECONDS,
    requests: [
      {
        setupRequest: (request) => {
          const tenantIndex = scenario.tenant ?? next++ % SHAPE.tenants;
          return {
            ...request,
            method: scenario.method ?? 'GET',
            path: scenario.path(tenantIndex),
            headers: { authorization: `Bearer ${bearerTokens[tenantIndex]}`, 'content-type': 'application/json' },
            ...(scenario.body && { body: typeof scenario.body === 'string' ? scenario.body : scenario.body(tenantIndex) }),
          };
        },
      },
    ],
  });
  const failures = result.non2xx + result.errors + result.timeouts;
  const name = scenario.connections ? `${scenario.name} [${scenario.connections} connections]` : scenario.name;
  return `| ${prefix}${name} | ${result.requests.average.toFixed(0)} | ${result.latency.p50} | ${result.latency.p99} | ${failures} |`;
}

const createTask: Scenario = {
  name: 'POST /api/tasks (create, all tenants)',
  method: 'POST',
  path: () => '/api/tasks',
  // In a project of the tenant when the suite seeded them (tasks), else in none (audit).
  body: (tenant) =>
    JSON.stringify({
      prompt: 'Refactor the billing module and add tests',
      ...(benchProjects[tenant] && { projectId: benchProjects[tenant] }),
      config: { model: 'large' },
    }),
};
/** The same create without a project: what the project's foreign key costs a create, by difference. */
const createTaskWithoutProject: Scenario = {
  name: 'POST /api/tasks (create without a project, all tenants)',
  method: 'POST',
  path: () => '/api/tasks',
  body: JSON.stringify({ prompt: 'Refactor the billing module and add tests', config: { model: 'large' } }),
};
const recordPattern: Scenario = {
  name: 'POST /api/patterns (count a known pattern: an update, all tenants)',
  method: 'POST',
  path: () => '/api/patterns',
  body: JSON.stringify({ type: 'retry', pattern: { after: 'timeout', attempts: 3 } }),
};
const layoutBatch: Scenario = {
  name: 'PATCH /api/dashboards/:id/layout (2 widgets swap places, all tenants)',
  method: 'PATCH',
  path: (tenant) => `/api/dashboards/${dashboards[tenant].moved.id}/layout`,
  body: nextLayoutBatch,
};
const auditCapture = (enabled: boolean) => () => setAuditCapture(adminDatabaseUrl, enabled);
const reportUnsealed = async () => {
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  console.log(`| (entries not sealed yet: ${await unsealedEntries(adminDatabaseUrl)}) | | | | |`);
};

/** A part of the benchmark: what it seeds, what it prints about the data, and the routes it drives. */
interface Suite {
  seed(adminUrl: string, runtimeUrl: string): Promise<void>;
  scenarios(): Promise<Scenario[]>;
  /** The server gets the schema owner too (DATABASE_OWNER_URL), for the scheduled jobs the suite measures. */
  withOwner?: boolean;
}

const suites: Record<string, Suite> = {
  assets: assetsSuite,
  tasks: {
    async seed(adminUrl, runtimeUrl) {
      const seedStart = Date.now();
      const seeded = await seedAsSuperuser(adminUrl, SHAPE);
      console.log(
        `Seeded ${seeded} tasks across ${SHAPE.tenants} tenants (${tenantName(1)}: ${SHAPE.largeTenantTasks}) in ${Date.now() - seedStart} ms`,
      );
      benchProjects = await projectIdsNamed(adminUrl, 'project-0', SHAPE.tenants);
      const deepRow = await rowAt(adminUrl, tenantName(LARGE_TENANT + 1), DEEP_OFFSET);
      deepCursor = encodeCursor(NEWEST_FIRST, deepRow);
      console.log(`\n${await explainTaskQueries(runtimeUrl, tenantName(LARGE_TENANT + 1), BENCH_USER, deepCursor, deepRow.id)}`);
    },
    async scenarios() {
      const firstPages = await Promise.all(
        tokens.map(async (token) => {
          const page = await fetch(`http://127.0.0.1:${HTTP_PORT}/api/tasks?limit=50`, { headers: { authorization: `Bearer ${token}` } });
          return (await page.json()) as { items: { id: string }[]; nextCursor: string };
        }),
      );
      return [
        { name: 'GET /api/tasks?limit=50 (first page, all tenants)', path: () => '/api/tasks?limit=50' },
        { name: 'GET /api/tasks?state=running&limit=50 (all tenants)', path: () => '/api/tasks?state=running&limit=50' },
        {
          name: 'GET /api/tasks/:id (with executions, artifacts, approvals)',
          path: (tenant) => `/api/tasks/${firstPages[tenant].items[7].id}`,
        },
        {
          name: `GET /api/tasks?limit=50 (first page, ${SHAPE.largeTenantTasks} tasks)`,
          tenant: LARGE_TENANT,
          path: () => '/api/tasks?limit=50',
        },
        {
          name: `GET /api/tasks?limit=50&cursor=… (${DEEP_OFFSET} tasks deep)`,
          tenant: LARGE_TENANT,
          path: () => `/api/tasks?limit=50&cursor=${deepCursor}`,
        },
        {
          name: `GET /api/tasks?state=running&limit=50 (${SHAPE.largeTenantTasks} tasks)`,
          tenant: LARGE_TENANT,
          path: () => '/api/tasks?state=running&limit=50',
        },
        {
          name: 'GET /api/projects/:id/tasks/recent (what agent runners poll, all tenants)',
          path: (tenant) => `/api/projects/${benchProjects[tenant]}/tasks/recent`,
        },
        { name: 'GET /api/projects?limit=50 (with task and dashboard counts, all tenants)', path: () => '/api/projects?limit=50' },
        createTask,
        createTaskWithoutProject,
        { name: 'GET /health/live (no auth, no database)', path: () => '/health/live' },
      ];
    },
  },
  lessons: {
    async seed(adminUrl, runtimeUrl) {
      const seedStart = Date.now();
      const seeded = await seedLessonsAsSuperuser(adminUrl, SHAPE.tenants, LESSONS_PER_TENANT);
      console.log(`Seeded ${seeded} lessons across ${SHAPE.tenants} tenants in ${Date.now() - seedStart} ms`);
      console.log(`\n${await explainLessonQueries(runtimeUrl, tenantName(1), SEARCH_QUERY, TYPO_QUERY, SEARCH_TAGS)}`);
    },
    async scenarios() {
      return [
        {
          name: `GET /api/lessons?q=${SEARCH_QUERY.replace(' ', '+')} (relevance)`,
          path: () => `/api/lessons?q=${encodeURIComponent(SEARCH_QUERY)}`,
        },
        { name: `GET /api/lessons?tags=${SEARCH_TAGS.join(',')}`, path: () => `/api/lessons?tags=${SEARCH_TAGS.join(',')}` },
        {
          name: 'GET /api/lessons?q=retyr+budgte (typos: corrected from the dictionary)',
          path: () => `/api/lessons?q=${encodeURIComponent(TYPO_QUERY)}`,
        },
      ];
    },
  },
  // The cheapest audited write with the trail off and on, off and on again, the sealing job running
  // (it needs the owner to list tenants); each audited row is followed by the entries still unsealed.
  'audit-writes': {
    withOwner: true,
    async seed(adminUrl) {
      adminDatabaseUrl = adminUrl;
    },
    async scenarios() {
      return [1, 2].flatMap(() => [
        { ...createTaskWithoutProject, name: `${createTaskWithoutProject.name}, audit off`, prepare: auditCapture(false) },
        { ...createTaskWithoutProject, name: `${createTaskWithoutProject.name}, audited`, prepare: auditCapture(true) },
        { name: 'unsealed entries 2.5 s after the audited run (GET /health/live)', path: () => '/health/live', prepare: reportUnsealed },
      ]);
    },
  },
  audit: {
    async seed(adminUrl, runtimeUrl) {
      adminDatabaseUrl = adminUrl;
      const seedStart = Date.now();
      const seeded = await seedAuditAsSuperuser(adminUrl, SHAPE.tenants);
      console.log(
        `Seeded ${seeded} audit entries across ${SHAPE.tenants} tenants (${tenantName(1)}: ${AUDIT_LARGE_TENANT_ENTRIES}) in ${Date.now() - seedStart} ms`,
      );
      console.log(`\n${await explainAuditQueries(runtimeUrl, tenantName(LARGE_TENANT + 1))}`);
    },
    async scenarios() {
      const large = `${AUDIT_LARGE_TENANT_ENTRIES} entries`;
      const dayAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
      return [
        // Off and on twice, so that neither side always runs on the smaller tables.
        ...[createTask, recordPattern].flatMap((scenario) =>
          [1, 2].flatMap(() => [
            { ...scenario, name: `${scenario.name}, audit off`, prepare: auditCapture(false) },
            { ...scenario, name: `${scenario.name}, audited`, prepare: auditCapture(true) },
          ]),
        ),
        { name: 'GET /api/audit-logs?limit=50 (latest page, all tenants)', admin: true, path: () => '/api/audit-logs?limit=50' },
        ...[
          { name: 'GET /api/audit-logs?limit=50 (latest page, all tenants)', path: () => '/api/audit-logs?limit=50' },
          { name: `GET /api/audit-logs?limit=50 (latest page, ${large})`, tenant: LARGE_TENANT, path: () => '/api/audit-logs?limit=50' },
          {
            name: `GET /api/audit-logs?action=task.&limit=50 (${large})`,
            tenant: LARGE_TENANT,
            path: () => '/api/audit-logs?action=task.&limit=50',
          },
          {
            name: `GET /api/audit-logs?action=access.denied&limit=50 (${large})`,
            tenant: LARGE_TENANT,
            path: () => '/api/audit-logs?action=access.denied&limit=50',
          },
          {
            name: `GET /api/audit-logs?actorId=user-7&limit=50 (${large})`,
            tenant: LARGE_TENANT,
            path: () => '/api/audit-logs?actorId=user-7&limit=50',
          },
          {
            name: `GET /api/audit-logs?from=…&to=… (one day, five days ago, ${large})`,
            tenant: LARGE_TENANT,
            path: () => `/api/audit-logs?from=${dayAgo(6)}&to=${dayAgo(5)}&limit=50`,
          },
        ].map((scenario) => ({ ...scenario, admin: true, connections: ADMIN_CONNECTIONS })),
      ];
    },
  },
  isolation: {
    async seed(adminUrl) {
      await seedAsSuperuser(adminUrl, { tenants: ISOLATION_TENANTS, tasksPerTenant: 150, largeTenantTasks: 150 });
      isolation = await seedIsolationAsSuperuser(adminUrl, tenantName(GREEDY_TENANT + 1), {
        count: MAX_EXECUTIONS_PER_TASK,
        largest: 200,
        fieldBytes: MAX_OUTCOME_BYTES - 64,
      });
      console.log(
        `Seeded a ${DENSE_GRAPH_TASKS}-task fully connected graph and a task with ${MAX_EXECUTIONS_PER_TASK} executions (200 at the field caps) for ${tenantName(GREEDY_TENANT + 1)}`,
      );
    },
    async scenarios() {
      const quiet: Scenario = {
        name: `GET /api/tasks?limit=50 (${tenantName(QUIET_TENANT + 1)} alone)`,
        tenant: QUIET_TENANT,
        connections: 8,
        path: () => '/api/tasks?limit=50',
      };
      const greedy = (name: string, path: string): Scenario => ({
        name: `${name} (${tenantName(GREEDY_TENANT + 1)})`,
        tenant: GREEDY_TENANT,
        connections: 16,
        path: () => path,
      });
      return [
        quiet,
        {
          ...quiet,
          name: `GET /api/tasks?limit=50 (${tenantName(QUIET_TENANT + 1)} while ${tenantName(GREEDY_TENANT + 1)} saturates its expensive reads)`,
          alongside: [
            greedy('GET /api/tasks/:id/lineage?maxDepth=20 (dense graph tip)', `/api/tasks/${isolation.denseTip}/lineage?maxDepth=20`),
            greedy('GET /api/tasks/:id/executions?limit=200 (at the caps)', `/api/tasks/${isolation.largestTask}/executions?limit=200`),
          ],
        },
      ];
    },
  },
  dashboards: {
    async seed(adminUrl, runtimeUrl) {
      adminDatabaseUrl = adminUrl;
      const seedStart = Date.now();
      const seeded = await seedDashboardsAsSuperuser(adminUrl, SHAPE.tenants, DASHBOARDS_PER_TENANT, WIDGETS_PER_DASHBOARD, BENCH_USER);
      console.log(
        `Seeded ${seeded.dashboards} dashboards and ${seeded.widgets} widgets across ${SHAPE.tenants} tenants in ${Date.now() - seedStart} ms`,
      );
      dashboards = await benchDashboards(adminUrl, SHAPE.tenants);
      console.log(`\n${await explainDashboardRead(runtimeUrl, tenantName(1), BENCH_USER, dashboards[0].read.id)}`);
    },
    async scenarios() {
      return [
        {
          name: `GET /api/dashboards/:id (${WIDGETS_PER_DASHBOARD} widgets, all tenants)`,
          path: (tenant) => `/api/dashboards/${dashboards[tenant].read.id}`,
        },
        layoutBatch,
        // The audit's share of a heavier mutation (three entries per batch), off and on twice.
        ...[1, 2].flatMap(() => [
          { ...layoutBatch, name: `${layoutBatch.name}, audit off`, prepare: auditCapture(false) },
          { ...layoutBatch, name: `${layoutBatch.name}, audited`, prepare: auditCapture(true) },
        ]),
      ];
    },
  },
};

/** Even batches of a tenant swap its first two widgets, odd ones swap them back. */
function nextLayoutBatch(tenantIndex: number): string {
  return layoutSwap(dashboards[tenantIndex].moved, layoutMoves[tenantIndex]++ % 2 === 0);
}

async function main(): Promise<void> {
  if (process.argv.includes('--compare')) return compareWithTwin({ cpuProfile: process.argv.includes('--cpu-prof') });
  const chosen = process.argv[2] ? [process.argv[2]] : Object.keys(suites);
  const unknown = chosen.filter((name) => !suites[name]);
  if (unknown.length > 0) throw new Error(`Unknown suite ${unknown.join(', ')}: use ${Object.keys(suites).join(' or ')}`);
  await rm(DATA_DIR, { recursive: true, force: true });
  const database = await startEmbeddedDatabase({ dir: DATA_DIR, port: DATABASE_PORT, database: 'tessera' });
  try {
    await migrateToLatest(database.ownerUrl);
    const adminTesseraUrl = database.adminUrl.replace(/\/postgres$/, '/tessera');
    for (const name of chosen) await suites[name].seed(adminTesseraUrl, database.runtimeUrl);

    const withOwner = chosen.some((name) => suites[name].withOwner);
    const server = await startBuiltServer(database.runtimeUrl, HTTP_PORT, withOwner ? { DATABASE_OWNER_URL: database.ownerUrl } : {});
    try {
      console.log(
        `\nNode ${process.version}, ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB; ${CONNECTIONS} connections, ${DURATION_SECONDS} s each\n`,
      );
      console.log('| route | requests/s | p50 ms | p99 ms | non-2xx/errors |');
      console.log('|---|---|---|---|---|');
      for (const name of chosen) {
        for (const scenario of await suites[name].scenarios()) {
          console.log(await measure(scenario));
        }
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

import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { AssetDependenciesService } from '../src/modules/assets/asset-dependencies.service.js';
import { DEPENDENCY_TYPES } from '../src/modules/assets/asset-type.js';
import { AssetsService } from '../src/modules/assets/assets.service.js';
import type { ListAssetsQuery } from '../src/modules/assets/dto/list-assets.query.js';
import { principalOf } from '../src/platform/auth/principal.js';
import { explainCalls } from './explain.js';
import { tenantName } from './seed.js';

const TENANTS = 1_000;
const ASSETS_PER_TENANT = 100;
/** The large tenant (bench-tenant-1): LAYERS layers of assets, each depending on 3 of the layer above. */
const LARGE_TENANT_ASSETS = 100_000;
const LAYERS = 20;
const PER_LAYER = LARGE_TENANT_ASSETS / LAYERS;
const LARGE = tenantName(1);

/**
 * Admin tooling for the benchmark only: writes assets and edges straight into the tables as a
 * superuser (bypassing row-level security) with generate_series. Every tenant but the first has 100
 * assets, each depending on up to 3 earlier ones (n-1, n/2, n/3); the first has 100,000 in 20 layers,
 * each asset of a layer depending on 3 assets of the layer above it: a 20-deep graph.
 */
async function seedAssetsAsSuperuser(adminDatabaseUrl: string): Promise<{ assets: number; edges: number; deepest: string }> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl });
  await client.connect();
  try {
    // Seeding only: no audit entry or storage delta per generated row (the triggers would write a
    // million sealed entries); the data is consistent by construction, as the foreign keys would check.
    await client.query('set session_replication_role = replica');
    const small = await client.query(
      `insert into assets (id, tenant_id, name, description, asset_type, owner, tags, created_at, updated_at)
       select uuidv7(), 'bench-tenant-' || t, 'asset-' || n, 'Generated asset ' || n,
              (array['table','view','file','model','dashboard','metric'])[1 + n % 6], 'team-' || (n % 5), array['tag-' || (n % 10)],
              now() - make_interval(secs => n * 60), now() - make_interval(secs => n * 60)
       from generate_series(2, $1::int) as t, generate_series(1, $2::int) as n`,
      [TENANTS, ASSETS_PER_TENANT],
    );
    const large = await client.query(
      `insert into assets (id, tenant_id, name, asset_type, owner, tags, created_at, updated_at)
       select uuidv7(), $1, 'asset-' || (n / $2) || '-' || (n % $2), (array['table','view','file','model','dashboard','metric'])[1 + n % 6],
              'team-' || (n % 5), array['tag-' || (n % 10)], now() - make_interval(secs => n), now() - make_interval(secs => n)
       from generate_series(0, $3::int - 1) as n`,
      [LARGE, PER_LAYER, LARGE_TENANT_ASSETS],
    );
    const smallEdges = await client.query(
      `insert into asset_dependencies (id, tenant_id, upstream_id, upstream_tenant_id, downstream_id, type, created_at)
       select distinct on (d.id, u.id) uuidv7(), d.tenant_id, u.id, d.tenant_id, d.id, (array['data','metadata','control'])[k], now()
       from assets d cross join lateral unnest(array[1, 2, 3]) as k
       cross join lateral (select substr(d.name, 7)::int as n) as own
       join assets u on u.tenant_id = d.tenant_id and u.name = 'asset-' || (case k when 1 then own.n - 1 when 2 then own.n / 2 else own.n / 3 end)
       where d.tenant_id <> $1 and u.id <> d.id`,
      [LARGE],
    );
    const largeEdges = await client.query(
      `insert into asset_dependencies (id, tenant_id, upstream_id, upstream_tenant_id, downstream_id, type, created_at)
       select uuidv7(), $1, u.id, $1, d.id, (array['data','metadata','control'])[k], now()
       from generate_series(1, $3::int - 1) as layer
       cross join generate_series(0, $2::int - 1) as i
       cross join unnest(array[1, 2, 3]) as k
       join assets d on d.tenant_id = $1 and d.name = 'asset-' || layer || '-' || i
       join assets u on u.tenant_id = $1 and u.name = 'asset-' || (layer - 1) || '-' || ((i * 7 + k * 1543) % $2)`,
      [LARGE, PER_LAYER, LAYERS],
    );
    // As autovacuum leaves a table some time after a bulk insert: statistics, and a visibility map that
    // lets counts read the index alone.
    await client.query('vacuum (analyze) assets');
    await client.query('vacuum (analyze) asset_dependencies');
    const deepest = await client.query<{ id: string }>('select id from assets where tenant_id = $1 and name = $2', [
      LARGE,
      `asset-${LAYERS - 1}-0`,
    ]);
    return {
      assets: (small.rowCount ?? 0) + (large.rowCount ?? 0),
      edges: (smallEdges.rowCount ?? 0) + (largeEdges.rowCount ?? 0),
      deepest: deepest.rows[0].id,
    };
  } finally {
    await client.end();
  }
}

/** The asset routes' statements on the large tenant: list, filtered count, lineage at depth 5 and 20. */
function explainAssetQueries(runtimeUrl: string, deepest: string): Promise<string> {
  const list = (query: Partial<ListAssetsQuery>) => ({ limit: 50, ...query }) as ListAssetsQuery;
  const lineage = (maxDepth: number) => ({ direction: 'upstream' as const, maxDepth, maxNodes: 1_000, types: DEPENDENCY_TYPES });
  return explainCalls(runtimeUrl, principalOf(LARGE, 'bench-user', []), [
    ['first page', (app) => app.get(AssetsService, { strict: false }).list(list({}))],
    ['count', (app) => app.get(AssetsService, { strict: false }).count({})],
    ['count assetType=model', (app) => app.get(AssetsService, { strict: false }).count({ assetType: 'model' })],
    ['lineage upstream maxDepth=5', (app) => app.get(AssetDependenciesService, { strict: false }).lineage(deepest, lineage(5))],
    ['lineage upstream maxDepth=20', (app) => app.get(AssetDependenciesService, { strict: false }).lineage(deepest, lineage(20))],
  ]);
}

/** An OpenLineage START event of a new run of one of a few jobs, reading one dataset and writing another. */
function openLineageEvent(): string {
  const job = Math.floor(Math.random() * 10);
  return JSON.stringify({
    eventType: 'START',
    eventTime: new Date().toISOString(),
    producer: 'https://github.com/apache/airflow',
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
    run: { runId: randomUUID() },
    job: { namespace: 'airflow://bench', name: `dag.task_${job}` },
    inputs: [{ namespace: 'postgres://bench', name: `shop.orders_${job}` }],
    outputs: [{ namespace: 's3://bench', name: `lake/orders_${job}` }],
  });
}

let seeded: Awaited<ReturnType<typeof seedAssetsAsSuperuser>>;

/** The assets suite of bench/run.ts (issue 12). */
export const assetsSuite = {
  async seed(adminUrl: string, runtimeUrl: string): Promise<void> {
    const start = Date.now();
    seeded = await seedAssetsAsSuperuser(adminUrl);
    console.log(
      `Seeded ${seeded.assets} assets and ${seeded.edges} dependencies (${LARGE}: ${LARGE_TENANT_ASSETS} in ${LAYERS} layers) in ${Date.now() - start} ms`,
    );
    console.log(`\n${await explainAssetQueries(runtimeUrl, seeded.deepest)}`);
  },
  async scenarios() {
    const large = { tenant: 0 };
    /** Expensive reads get a quarter of a tenant's share of the pool: lineage is measured within it, not as 429s. */
    const lineageConnections = { connections: 2 };
    return [
      { name: 'GET /api/assets?limit=50 (first page, all tenants)', path: () => '/api/assets?limit=50' },
      { name: 'GET /api/assets/count (all tenants)', path: () => '/api/assets/count' },
      { name: `GET /api/assets?limit=50 (first page, ${LARGE_TENANT_ASSETS} assets)`, ...large, path: () => '/api/assets?limit=50' },
      { name: `GET /api/assets/count (${LARGE_TENANT_ASSETS} assets)`, ...large, path: () => '/api/assets/count' },
      {
        name: `GET /api/assets/count?assetType=model (${LARGE_TENANT_ASSETS} assets)`,
        ...large,
        path: () => '/api/assets/count?assetType=model',
      },
      {
        name: 'GET /api/assets/:id/lineage?direction=upstream&maxDepth=5 (20-deep graph)',
        ...large,
        ...lineageConnections,
        path: () => `/api/assets/${seeded.deepest}/lineage?direction=upstream&maxDepth=5`,
      },
      {
        name: 'GET /api/assets/:id/lineage?direction=upstream&maxDepth=20 (20-deep graph, 1,000-node cap)',
        ...large,
        ...lineageConnections,
        path: () => `/api/assets/${seeded.deepest}/lineage?direction=upstream&maxDepth=20`,
      },
      {
        name: 'POST /api/lineage/events (START of a new run, all tenants)',
        method: 'POST' as const,
        path: () => '/api/lineage/events',
        body: openLineageEvent,
      },
    ];
  },
};

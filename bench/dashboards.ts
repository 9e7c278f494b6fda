import pg from 'pg';
import { DashboardsService } from '../src/modules/dashboards/dashboards.service.js';
import { principalOf } from '../src/platform/auth/principal.js';
import { explainCalls } from './explain.js';

export interface BenchDashboard {
  id: string;
  widgetIds: string[];
}

/** Where the six seeded widgets of a dashboard sit: two columns of three, each 6 × 4. */
export const SEEDED_POSITIONS = Array.from({ length: 6 }, (_, k) => ({ x: (k % 2) * 6, y: Math.floor(k / 2) * 4, w: 6, h: 4 }));

/** A layout batch that really moves something: the first two widgets trade places (`swapped`), or go back. */
export function layoutSwap({ widgetIds: [first, second] }: BenchDashboard, swapped: boolean): string {
  return JSON.stringify([
    { widgetId: first, position: SEEDED_POSITIONS[swapped ? 1 : 0] },
    { widgetId: second, position: SEEDED_POSITIONS[swapped ? 0 : 1] },
  ]);
}

/**
 * Admin tooling for the benchmark only: writes dashboards and their widgets straight into the tables
 * as a superuser (bypassing row-level security) with generate_series. Owned by `owner`, the subject
 * of the benchmark's tokens; every widget a bar chart with the same small query.
 */
export async function seedDashboardsAsSuperuser(
  adminDatabaseUrl: string,
  tenants: number,
  dashboardsPerTenant: number,
  widgetsPerDashboard: number,
  owner: string,
): Promise<{ dashboards: number; widgets: number }> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl });
  await client.connect();
  try {
    const dashboards = await client.query(
      `insert into dashboards (id, tenant_id, name, description, layout, filters, owner_id, is_public, allowed_viewers, version, created_at, updated_at, updated_by)
       select uuidv7(), 'bench-tenant-' || t, 'Dashboard ' || n, 'Seeded dashboard ' || n || ' of tenant ' || t,
              '{"columns": 12, "rowHeight": 50, "margin": [10, 10]}',
              '[{"id": "when", "type": "date_range", "label": "When", "field": "created_at"}, {"id": "region", "type": "select", "label": "Region", "field": "region", "table": "orders"}]',
              $3, n % 4 = 0, array['viewer-1', 'viewer-2'], 1, now() - make_interval(mins => n), now() - make_interval(mins => n), $3
       from generate_series(1, $1::int) as t, generate_series(1, $2::int) as n`,
      [tenants, dashboardsPerTenant, owner],
    );
    const widgets = await client.query(
      `insert into widgets (id, tenant_id, dashboard_id, type, title, query, saved_query_id, x, y, w, h, config, created_at, updated_at)
       select uuidv7(), d.tenant_id, d.id, 'bar_chart', 'Widget ' || k,
              '{"tables": [{"table": "orders", "alias": "o"}], "columns": [{"table": "o", "column": "region"}, {"table": "o", "column": "amount", "aggregation": "sum", "alias": "total"}], "groupBy": [{"table": "o", "column": "region"}], "orderBy": [{"column": "total", "direction": "desc"}], "limit": 10}',
              null, (k % 2) * 6, (k / 2) * 4, 6, 4, '{"colors": ["#4e79a7", "#f28e2b"], "legend": true}', now(), now()
       from dashboards d, generate_series(0, $1::int - 1) as k`,
      [widgetsPerDashboard],
    );
    await client.query('analyze dashboards');
    await client.query('analyze widgets');
    return { dashboards: dashboards.rowCount ?? 0, widgets: widgets.rowCount ?? 0 };
  } finally {
    await client.end();
  }
}

/** The two oldest dashboards of each tenant (by tenant index) with their widget ids in seeded order: one to read, one to move. */
export async function benchDashboards(
  adminDatabaseUrl: string,
  tenants: number,
): Promise<{ read: BenchDashboard; moved: BenchDashboard }[]> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ tenant: number; id: string; rank: number; widget_ids: string[] }>(
      `select substring(d.tenant_id from 14)::int as tenant, d.id, d.rank::int,
              (select array_agg(w.id order by w.y, w.x) from widgets w where w.tenant_id = d.tenant_id and w.dashboard_id = d.id) as widget_ids
       from (select *, row_number() over (partition by tenant_id order by created_at, id) as rank from dashboards) d
       where d.rank <= 2`,
    );
    const byTenant = Array.from({ length: tenants }, () => ({}) as { read: BenchDashboard; moved: BenchDashboard });
    for (const row of rows) byTenant[row.tenant - 1][row.rank === 1 ? 'read' : 'moved'] = { id: row.id, widgetIds: row.widget_ids };
    return byTenant;
  } finally {
    await client.end();
  }
}

/** The single dashboard read, explained as the tenant: the dashboard row and its widgets in one statement. */
export function explainDashboardRead(runtimeUrl: string, tenant: string, userId: string, dashboardId: string): Promise<string> {
  return explainCalls(runtimeUrl, principalOf(tenant, userId, []), [
    [
      'GET /api/dashboards/:id (the dashboard and its widgets, one statement)',
      (app) => app.get(DashboardsService, { strict: false }).get(dashboardId),
    ],
  ]);
}

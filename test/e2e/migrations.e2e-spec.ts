import request from 'supertest';
import { migrationsList } from '../../migrations/index.js';
import { withMigrator } from '../../src/platform/database/migrations.js';
import { SALES_QUERY } from '../support/dashboards.js';
import { startTestApp } from '../support/test-app.js';
import { createTestDatabase, TestDatabase, withAdminClient } from '../support/test-database.js';
import { bearer, tokenFor } from '../support/tokens.js';

describe('migrations', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('template0');
  });
  afterAll(() => database.drop());

  const tables = () =>
    withAdminClient(
      async (client) =>
        (await client.query("select tablename from pg_tables where schemaname = 'public' and tablename <> 'mikro_orm_migrations' order by 1")).rows.map(
          (row) => row.tablename as string,
        ),
      database.name,
    );

  it('go up, all the way down, and up again on an empty database', async () => {
    await withMigrator(database.ownerUrl, (migrator) => migrator.up());
    const afterUp = await tables();
    expect(afterUp).toContain('tasks');
    await expect(withMigrator(database.ownerUrl, (migrator) => migrator.getPending())).resolves.toEqual([]);

    await withMigrator(database.ownerUrl, (migrator) => migrator.down({ to: 0 }));
    expect(await tables()).toEqual([]);
    const executed = await withMigrator(database.ownerUrl, (migrator) => migrator.getExecuted());
    expect(executed).toEqual([]);

    await withMigrator(database.ownerUrl, (migrator) => migrator.up());
    expect(await tables()).toEqual(afterUp);
    const names = (await withMigrator(database.ownerUrl, (migrator) => migrator.getExecuted())).map((migration) => migration.name);
    expect(names).toEqual(migrationsList.map((migration) => migration.name));
  });
});

describe('migration of dashboard history to content-addressed widgets', () => {
  const BEFORE = 'Migration20261123142718_dashboards';
  const CONTENT_ADDRESSED = 'Migration20261201153134_dashboard_history_contents';
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('template0');
    await withMigrator(database.ownerUrl, (migrator) => migrator.up({ to: BEFORE }));
  });
  afterAll(() => database.drop());

  const asAdmin = <T>(sql: string, params: unknown[] = []) => withAdminClient(async (client) => (await client.query(sql, params)).rows as T[], database.name);
  const at = '2026-11-20T10:00:00.000Z';
  const widget = (id: string, dashboardId: string, title: string, config: object, y = 0) => ({
    id, dashboardId, type: 'bar_chart', title, query: SALES_QUERY, savedQueryId: null, position: { x: 0, y, w: 6, h: 4 }, config, createdAt: at, updatedAt: at,
  });
  const notes = (id: string, dashboardId: string) => ({ ...widget(id, dashboardId, 'Notes', { markdown: '# Hi' }, 5), type: 'text', query: null });
  const d1 = '0190a5a0-0000-7000-8000-00000000d001';
  const d2 = '0190a5a0-0000-7000-8000-00000000d002';
  const chart = widget('0190a5a0-0000-7000-8000-0000000000a1', d1, 'Sales', { colors: ['#f00'] });
  /** Two tenants' histories as the dashboards migration kept them: every widget copied into every version. */
  const history = [
    { tenant: 't1', dashboardId: d1, widgets: [] as object[] },
    { tenant: 't1', dashboardId: d1, widgets: [chart] },
    { tenant: 't1', dashboardId: d1, widgets: [chart, notes('0190a5a0-0000-7000-8000-0000000000b1', d1)] },
    { tenant: 't1', dashboardId: d1, widgets: [{ ...chart, config: { colors: ['#0f0'] } }, notes('0190a5a0-0000-7000-8000-0000000000b1', d1)] },
    { tenant: 't2', dashboardId: d2, widgets: [widget('0190a5a0-0000-7000-8000-0000000000c1', d2, 'Sales', { colors: ['#f00'] })] },
  ].map((entry, index, all) => {
    const version = all.slice(0, index).filter((other) => other.dashboardId === entry.dashboardId).length + 1;
    const snapshot = {
      id: entry.dashboardId, name: `Board ${version}`, description: null, layout: { columns: 12, rowHeight: 50, margin: [10, 10] }, filters: [],
      ownerId: 'olga', isPublic: false, allowedViewers: ['vic'], version, createdAt: at, updatedAt: at, updatedBy: 'olga', widgets: entry.widgets,
    };
    return { ...entry, version, snapshot };
  });
  const keptSnapshots = async () =>
    (await asAdmin<{ snapshot: object }>('select snapshot from dashboard_versions order by dashboard_id, version')).map((row) => row.snapshot);

  it('moves every kept widget into contents and lists, each stored once per dashboard, and back down', async () => {
    for (const [tenant, id] of [['t1', d1], ['t2', d2]]) {
      await asAdmin(
        `insert into dashboards (id, tenant_id, name, layout, filters, owner_id, allowed_viewers, version, created_at, updated_at, updated_by)
         values ($1, $2, 'Board', '{"columns": 12, "rowHeight": 50, "margin": [10, 10]}', '[]', 'olga', '{vic}', 9, now(), now(), 'olga')`,
        [id, tenant],
      );
    }
    for (const { tenant, dashboardId, version, snapshot } of history) {
      await asAdmin(
        `insert into dashboard_versions (id, tenant_id, dashboard_id, version, snapshot, saved_by, saved_at, replaced_by, replaced_at)
         values (gen_random_uuid(), $1, $2, $3, $4, 'olga', now(), 'olga', now())`,
        [tenant, dashboardId, version, snapshot],
      );
    }

    await withMigrator(database.ownerUrl, (migrator) => migrator.up({ to: CONTENT_ADDRESSED }));
    const counts = await asAdmin<{ dashboard_id: string; lists: number; contents: number }>(
      `select d.id as dashboard_id,
              (select count(*) from dashboard_widget_lists l where l.dashboard_id = d.id)::int as lists,
              (select count(*) from dashboard_widget_contents c where c.dashboard_id = d.id)::int as contents
       from dashboards d order by d.id`,
    );
    // d1: four distinct lists; the chart's two configs and the notes. d2: the same chart content as d1's, stored for d2.
    expect(counts).toEqual([{ dashboard_id: d1, lists: 4, contents: 3 }, { dashboard_id: d2, lists: 1, contents: 1 }]);
    const versions = await asAdmin<{ has_widgets: boolean; list_found: boolean }>(
      `select v.snapshot ? 'widgets' as has_widgets, exists (select from dashboard_widget_lists l
         where l.tenant_id = v.tenant_id and l.dashboard_id = v.dashboard_id and l.hash = v.widget_list_hash) as list_found
       from dashboard_versions v`,
    );
    expect(versions).toEqual(Array(history.length).fill({ has_widgets: false, list_found: true }));

    await withMigrator(database.ownerUrl, (migrator) => migrator.down({ to: BEFORE }));
    expect(await keptSnapshots()).toEqual(history.map((entry) => entry.snapshot));

    await withMigrator(database.ownerUrl, (migrator) => migrator.up());
    const testApp = await startTestApp({}, database);
    try {
      const owner = bearer(tokenFor({ tenant: 't1', sub: 'olga' }));
      for (const { tenant, dashboardId, version, snapshot } of history.filter((entry) => entry.tenant === 't1')) {
        const response = await request(testApp.server).get(`/api/dashboards/${dashboardId}/versions/${version}`).set(owner).expect(200);
        expect([tenant, response.body.dashboard]).toEqual(['t1', snapshot]);
      }
    } finally {
      await testApp.close();
    }
  });
});

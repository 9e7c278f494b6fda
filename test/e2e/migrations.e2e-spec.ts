import request from 'supertest';
import { migrationsList } from '../../migrations/index.js';
import { withMigrator } from '../../src/platform/database/migrations.js';
import { SALES_QUERY } from '../support/dashboards.js';
import { startTestApp } from '../support/test-app.js';
import { createTestDatabase, TestDatabase, withAdminClient, withOwnerClient } from '../support/test-database.js';
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
        (
          await client.query(
            "select tablename from pg_tables where schemaname = 'public' and tablename <> 'mikro_orm_migrations' order by 1",
          )
        ).rows.map((row) => row.tablename as string),
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

  const asAdmin = <T>(sql: string, params: unknown[] = []) =>
    withAdminClient(async (client) => (await client.query(sql, params)).rows as T[], database.name);
  const at = '2026-11-20T10:00:00.000Z';
  const widget = (id: string, dashboardId: string, title: string, config: object, y = 0) => ({
    id,
    dashboardId,
    type: 'bar_chart',
    title,
    query: SALES_QUERY,
    savedQueryId: null,
    position: { x: 0, y, w: 6, h: 4 },
    config,
    createdAt: at,
    updatedAt: at,
  });
  const notes = (id: string, dashboardId: string) => ({
    ...widget(id, dashboardId, 'Notes', { markdown: '# Hi' }, 5),
    type: 'text',
    query: null,
  });
  const d1 = '0190a5a0-0000-7000-8000-00000000d001';
  const d2 = '0190a5a0-0000-7000-8000-00000000d002';
  const chart = widget('0190a5a0-0000-7000-8000-0000000000a1', d1, 'Sales', { colors: ['#f00'] });
  /** Two tenants' histories as the dashboards migration kept them: every widget copied into every version. */
  const history = [
    { tenant: 't1', dashboardId: d1, widgets: [] as object[] },
    { tenant: 't1', dashboardId: d1, widgets: [chart] },
    { tenant: 't1', dashboardId: d1, widgets: [chart, notes('0190a5a0-0000-7000-8000-0000000000b1', d1)] },
    {
      tenant: 't1',
      dashboardId: d1,
      widgets: [{ ...chart, config: { colors: ['#0f0'] } }, notes('0190a5a0-0000-7000-8000-0000000000b1', d1)],
    },
    { tenant: 't2', dashboardId: d2, widgets: [widget('0190a5a0-0000-7000-8000-0000000000c1', d2, 'Sales', { colors: ['#f00'] })] },
  ].map((entry, index, all) => {
    const version = all.slice(0, index).filter((other) => other.dashboardId === entry.dashboardId).length + 1;
    const snapshot = {
      id: entry.dashboardId,
      name: `Board ${version}`,
      description: null,
      layout: { columns: 12, rowHeight: 50, margin: [10, 10] },
      filters: [],
      ownerId: 'olga',
      isPublic: false,
      allowedViewers: ['vic'],
      version,
      createdAt: at,
      updatedAt: at,
      updatedBy: 'olga',
      widgets: entry.widgets,
    };
    return { ...entry, version, snapshot };
  });
  const keptSnapshots = async () =>
    (await asAdmin<{ snapshot: object }>('select snapshot from dashboard_versions order by dashboard_id, version')).map(
      (row) => row.snapshot,
    );

  it('moves every kept widget into contents and lists, each stored once per dashboard, and back down', async () => {
    for (const [tenant, id] of [
      ['t1', d1],
      ['t2', d2],
    ]) {
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
    expect(counts).toEqual([
      { dashboard_id: d1, lists: 4, contents: 3 },
      { dashboard_id: d2, lists: 1, contents: 1 },
    ]);
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
        // Every kept field comes back as it was; reads may add what they derive (a widget's `draft`, the `widgetCount`).
        expect(tenant).toBe('t1');
        expect(response.body.dashboard).toMatchObject(snapshot);
      }
    } finally {
      await testApp.close();
    }
  });
});

describe('migration of free-text projects, unnamed reviewers and string themes', () => {
  const BEFORE = 'Migration20261201190000_assets_and_workflows';
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('template0');
    await withMigrator(database.ownerUrl, (migrator) => migrator.up({ to: BEFORE }));
  });
  afterAll(() => database.drop());

  const asAdmin = <T>(sql: string, params: unknown[] = []) =>
    withAdminClient(async (client) => (await client.query(sql, params)).rows as T[], database.name);
  /** Writes as the schema owner inside the tenant, the way pre-upgrade rows were written (row-level security holds). */
  const asTenant = (tenant: string, statements: [string, unknown[]][]) =>
    withOwnerClient(database, async (owner) => {
      await owner.query('begin');
      await owner.query("select set_config('app.tenant_id', $1, true)", [tenant]);
      for (const [text, values] of statements) await owner.query(text, values);
      await owner.query('commit');
    });
  const id = (n: number) => `0190a5a0-0000-7000-8000-${String(n).padStart(12, '0')}`;
  const task = (taskId: string, tenant: string, project: string | null): [string, unknown[]] => [
    `insert into tasks (id, tenant_id, project_id, user_id, prompt, state, config, metadata, created_at, updated_at)
     values ($1, $2, $3, 'olga', 'do it', 'running', '{}', '{}', now(), now())`,
    [taskId, tenant, project],
  ];
  /** What the upgrade must keep: each task's project name (and tenant), each review's execution's agent, each theme. */
  const tasksBefore = [
    { id: id(1), tenant: 't1', project: 'alpha' },
    { id: id(2), tenant: 't1', project: 'alpha' },
    { id: id(3), tenant: 't1', project: "beta's ? project" },
    { id: id(4), tenant: 't1', project: null },
    { id: id(5), tenant: 't2', project: 'alpha' },
  ];

  const projectsNow = () => asAdmin<{ tenant_id: string; name: string }>('select tenant_id, name from projects order by tenant_id, name');
  const tasksNow = () =>
    asAdmin<{ id: string; tenant: string; project: string | null }>(
      `select t.id, t.tenant_id as tenant, p.name as project from tasks t
       left join projects p on p.tenant_id = t.tenant_id and p.id = t.project_id order by t.id`,
    );
  const expectUpgraded = async () => {
    expect(await projectsNow()).toEqual([
      { tenant_id: 't1', name: 'alpha' },
      { tenant_id: 't1', name: "beta's ? project" },
      { tenant_id: 't2', name: 'alpha' },
    ]);
    expect(await tasksNow()).toEqual(tasksBefore);
    expect(await asAdmin('select r.id, r.agent_type from execution_reviews r order by r.id')).toEqual([
      { id: id(31), agent_type: 'tester' },
      { id: id(32), agent_type: 'tester' },
      { id: id(33), agent_type: 'reviewer' },
    ]);
    expect(await asAdmin('select user_id, theme from dashboard_user_configs order by user_id')).toEqual([
      { user_id: 'olga', theme: { name: 'dark' } },
      { user_id: 'vic', theme: null },
    ]);
    // Each project was created in its tenant's name: one audit entry each, in that tenant's trail.
    expect(
      await asAdmin(
        "select tenant_id, count(*)::int as n from audit_entries where action = 'project.create' group by tenant_id order by tenant_id",
      ),
    ).toEqual([
      { tenant_id: 't1', n: 2 },
      { tenant_id: 't2', n: 1 },
    ]);
  };

  it('turns every free-text project into one project per tenant and name, and back down and up again', async () => {
    await asTenant('t1', [
      ...tasksBefore.filter((row) => row.tenant === 't1').map((row) => task(row.id, row.tenant, row.project)),
      [
        `insert into task_executions (id, tenant_id, task_id, agent_type, status, started_at) values ($1, 't1', $2, 'tester', 'completed', now()), ($3, 't1', $4, 'reviewer', 'running', now())`,
        [id(21), id(1), id(22), id(3)],
      ],
      [
        `insert into execution_reviews (id, tenant_id, execution_id, iteration, quality_score, completeness_score, correctness_score, overall_score, gaps, requirements, decision, created_at)
         values ($1, 't1', $4, 1, 0.5, 0.5, 0.5, 0.5, '[]', '[]', 'iterate', now()), ($2, 't1', $4, 2, 1, 1, 1, 1, '[]', '[]', 'accept', now()),
                ($3, 't1', $5, 1, 1, 1, 1, 1, '[]', '[]', 'accept', now())`,
        [id(31), id(32), id(33), id(21), id(22)],
      ],
      [
        `insert into dashboards (id, tenant_id, name, layout, filters, owner_id, allowed_viewers, version, created_at, updated_at, updated_by)
         values ($1, 't1', 'Board', '{"columns": 12, "rowHeight": 50, "margin": [10, 10]}', '[]', 'olga', '{}', 1, now(), now(), 'olga')`,
        [id(41)],
      ],
      [
        `insert into dashboard_user_configs (id, tenant_id, dashboard_id, user_id, chart_customizations, theme, filters, dashboard_version, created_at, updated_at)
         values ($1, 't1', $3, 'olga', '{}', 'dark', '[]', 1, now(), now()), ($2, 't1', $3, 'vic', '{}', null, '[]', 1, now(), now())`,
        [id(51), id(52), id(41)],
      ],
    ]);
    await asTenant('t2', [task(id(5), 't2', 'alpha')]);

    await withMigrator(database.ownerUrl, (migrator) => migrator.up());
    await expectUpgraded();
    const t1Alpha = (await asAdmin<{ id: string }>("select id from projects where tenant_id = 't1' and name = 'alpha'"))[0].id;
    // A draft widget (a chart without a query yet) is allowed now, and survives the way down.
    await asTenant('t1', [
      [
        `insert into widgets (id, tenant_id, dashboard_id, type, title, query, x, y, w, h, config, created_at, updated_at)
        values ($1, 't1', $2, 'bar_chart', 'Draft', null, 0, 0, 4, 4, '{}', now(), now())`,
        [id(61), id(41)],
      ],
    ]);

    // Down: tasks name their project as text again, themes are strings again.
    await withMigrator(database.ownerUrl, (migrator) => migrator.down({ to: BEFORE }));
    expect(await asAdmin('select id, tenant_id as tenant, project_id as project from tasks order by id')).toEqual(tasksBefore);
    expect(await asAdmin('select user_id, theme from dashboard_user_configs order by user_id')).toEqual([
      { user_id: 'olga', theme: 'dark' },
      { user_id: 'vic', theme: null },
    ]);
    expect(
      await asAdmin(
        "select column_name from information_schema.columns where table_name = 'execution_reviews' and column_name = 'agent_type'",
      ),
    ).toEqual([]);
    expect(await asAdmin('select id, query from widgets')).toEqual([{ id: id(61), query: null }]);

    await withMigrator(database.ownerUrl, (migrator) => migrator.up());
    expect(await projectsNow()).toHaveLength(3);
    expect(await tasksNow()).toEqual(tasksBefore);

    // The application reads the upgraded data: the projects with their tasks counted.
    const testApp = await startTestApp({}, database);
    try {
      const olga = bearer(tokenFor({ tenant: 't1', sub: 'olga' }));
      const listed = (await request(testApp.server).get('/api/projects').set(olga).expect(200)).body.items as {
        id: string;
        name: string;
        taskCounts: { total: number };
      }[];
      expect(listed.map((project) => [project.name, project.taskCounts.total]).sort()).toEqual([
        ['alpha', 2],
        ["beta's ? project", 1],
      ]);
      expect(listed.map((project) => project.id)).not.toContain(t1Alpha);
      const alpha = listed.find((project) => project.name === 'alpha')!;
      const recent = (await request(testApp.server).get(`/api/projects/${alpha.id}/tasks/recent`).set(olga).expect(200)).body.items as {
        id: string;
      }[];
      expect(recent.map((row) => row.id).sort()).toEqual([id(1), id(2)]);
      const reviews = (
        await request(testApp.server)
          .get(`/api/tasks/${id(1)}/reviews`)
          .set(olga)
          .expect(200)
      ).body.items as { agentType: string }[];
      expect(reviews.map((review) => review.agentType)).toEqual(['tester', 'tester']);
    } finally {
      await testApp.close();
    }
  });
});

import { withMigrator } from '../../src/platform/database/migrations.js';
import { GLOBAL_TENANT_ID } from '../../src/platform/tenancy/global-catalogue.js';
import { checkCitusKeys } from '../support/citus-keys.js';
import { SALES_QUERY } from '../support/dashboards.js';
import { createTestDatabase, type TestDatabase, withAdminClient, withOwnerClient } from '../support/test-database.js';

/** A database holding rows in the old shape (primary keys on `id` alone) keeps them through the Citus-ready keys and back. */
describe('migration to Citus-ready keys', () => {
  const BEFORE = 'Migration20261201200000_projects_and_gaps';
  const CITUS_READY = 'Migration20261201202122_citus_ready_keys';
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('template0');
    await withMigrator(database.ownerUrl, (migrator) => migrator.up({ to: BEFORE }));
  });
  afterAll(() => database.drop());

  const asAdmin = async <T>(sql: string) => withAdminClient(async (client) => (await client.query(sql)).rows as T[], database.name);
  /** Runs statements as the schema owner inside the tenant (row-level security holds), in one transaction. */
  const asTenant = (tenant: string, statements: [string, unknown[]][]) =>
    withOwnerClient(database, async (owner) => {
      await owner.query('begin');
      try {
        await owner.query("select set_config('app.tenant_id', $1, true)", [tenant]);
        for (const [text, values] of statements) await owner.query(text, values);
        await owner.query('commit');
      } catch (error) {
        await owner.query('rollback');
        throw error;
      }
    });
  const id = (n: number) => `0190a5a0-0000-7000-8000-${String(n).padStart(12, '0')}`;
  const [p1, p2, k1, k2, k3, e1, r1, dep, l1, d1, q1, w1, globalAsset, a1, edge] = [
    1, 2, 11, 12, 13, 21, 31, 41, 51, 61, 71, 81, 91, 92, 93,
  ].map(id);
  const asset = (assetId: string, tenant: string, name: string): [string, unknown[]] => [
    `insert into assets (id, tenant_id, name, asset_type, tags, created_at, updated_at) values ($1, $2, $3, 'table', '{}', now(), now())`,
    [assetId, tenant, name],
  ];

  const TABLES = [
    'projects',
    'tasks',
    'task_executions',
    'execution_reviews',
    'task_dependencies',
    'lessons',
    'dashboards',
    'saved_queries',
    'widgets',
    'assets',
    'asset_dependencies',
  ];
  /** Every row of the seeded tables with its references: what the migration must keep. */
  const rows = async () => {
    const all: Record<string, unknown[]> = {};
    for (const table of TABLES) all[table] = await asAdmin(`select * from ${table} order by id`);
    return all;
  };
  const constraints = (kind: 'p' | 'u' | 'f') =>
    asAdmin<{ table: string; name: string; definition: string }>(
      `select conrelid::regclass::text as table, conname as name, pg_get_constraintdef(oid) as definition from pg_constraint
       where connamespace = 'public'::regnamespace and contype = '${kind}' order by 1, 2`,
    );
  const primaryKeyOf = async (table: string) => (await constraints('p')).find((constraint) => constraint.table === table)?.definition;
  /** Tables whose owner row-level security no longer binds: the migration lifts FORCE only within itself. */
  const unforced = () =>
    asAdmin(`select relname from pg_class where relnamespace = 'public'::regnamespace and relrowsecurity and not relforcerowsecurity`);
  const citusKeyViolations = () => withOwnerClient(database, async (owner) => (await checkCitusKeys(owner)).violations);

  it('keeps every row and foreign key, widens the primary keys, and goes back down', async () => {
    await asTenant('t1', [
      [`insert into projects (id, tenant_id, name, settings, created_at, updated_at) values ($1, 't1', 'alpha', '{}', now(), now())`, [p1]],
      [
        `insert into tasks (id, tenant_id, project_id, user_id, prompt, state, config, metadata, created_at, updated_at)
         values ($1, 't1', $3, 'olga', 'build it', 'running', '{}', '{}', now(), now()), ($2, 't1', null, 'olga', 'test it', 'pending', '{}', '{}', now(), now())`,
        [k1, k2, p1],
      ],
      [
        `insert into task_executions (id, tenant_id, task_id, agent_type, status, started_at) values ($1, 't1', $2, 'tester', 'completed', now())`,
        [e1, k1],
      ],
      [
        `insert into execution_reviews (id, tenant_id, execution_id, agent_type, iteration, quality_score, completeness_score, correctness_score, overall_score, gaps, requirements, decision, created_at)
         values ($1, 't1', $2, 'reviewer', 1, 1, 1, 1, 1, '[]', '[]', 'accept', now())`,
        [r1, e1],
      ],
      [`insert into task_dependencies (id, tenant_id, task_id, depends_on_id) values ($1, 't1', $2, $3)`, [dep, k2, k1]],
      [
        `insert into lessons (id, tenant_id, task_id, category, title, summary, tags, created_at, updated_at)
         values ($1, 't1', $2, 'testing', 'Seed first', 'Seed the data before the run', '{}', now(), now())`,
        [l1, k1],
      ],
      [
        `insert into dashboards (id, tenant_id, project_id, name, layout, filters, owner_id, allowed_viewers, created_at, updated_at, updated_by)
         values ($1, 't1', $2, 'Board', '{"columns": 12, "rowHeight": 50, "margin": [10, 10]}', '[]', 'olga', '{}', now(), now(), 'olga')`,
        [d1, p1],
      ],
      [
        `insert into saved_queries (id, tenant_id, name, query, owner_id, created_at, updated_at) values ($1, 't1', 'Sales', $2, 'olga', now(), now())`,
        [q1, SALES_QUERY],
      ],
      [
        `insert into widgets (id, tenant_id, dashboard_id, saved_query_id, type, title, query, x, y, w, h, config, created_at, updated_at)
         values ($1, 't1', $2, $3, 'bar_chart', 'Sales', $4, 0, 0, 6, 4, '{}', now(), now())`,
        [w1, d1, q1, SALES_QUERY],
      ],
    ]);
    // An edge of t1's asset onto a global catalogue asset: the foreign key that crosses tenant ids (ADR 0006).
    await asTenant(GLOBAL_TENANT_ID, [asset(globalAsset, GLOBAL_TENANT_ID, 'countries')]);
    await asTenant('t1', [
      asset(a1, 't1', 'sales'),
      [
        `insert into asset_dependencies (id, tenant_id, upstream_tenant_id, upstream_id, downstream_id, type, created_at)
         values ($1, 't1', $2, $3, $4, 'data', now())`,
        [edge, GLOBAL_TENANT_ID, globalAsset, a1],
      ],
    ]);
    await asTenant('t2', [
      [`insert into projects (id, tenant_id, name, settings, created_at, updated_at) values ($1, 't2', 'alpha', '{}', now(), now())`, [p2]],
      [
        `insert into tasks (id, tenant_id, project_id, user_id, prompt, state, config, metadata, created_at, updated_at)
         values ($1, 't2', $2, 'vic', 'ship it', 'pending', '{}', '{}', now(), now())`,
        [k3, p2],
      ],
    ]);
    const rowsBefore = await rows();
    const foreignKeysBefore = await constraints('f');
    const uniqueKeysBefore = await constraints('u');
    expect(await primaryKeyOf('tasks')).toBe('PRIMARY KEY (id)');
    expect(await citusKeyViolations()).toContain(
      'tasks: primary key tasks_pkey — CREATE UNIQUE INDEX tasks_pkey ON public.tasks USING btree (id)',
    );

    await withMigrator(database.ownerUrl, (migrator) => migrator.up({ to: CITUS_READY }));
    expect(await rows()).toEqual(rowsBefore);
    expect(await constraints('f')).toEqual(foreignKeysBefore);
    for (const table of TABLES) expect([table, await primaryKeyOf(table)]).toEqual([table, 'PRIMARY KEY (tenant_id, id)']);
    // The unique (tenant_id, id) keys are gone: the primary key is that key now. Every other unique key stays.
    expect(await constraints('u')).toEqual(uniqueKeysBefore.filter((key) => !key.name.endsWith('_tenant_id_key')));
    expect(await citusKeyViolations()).toEqual([]);
    expect(await unforced()).toEqual([]);

    // The recreated foreign keys still refuse another tenant's parent, restrict, cascade and clear as before.
    await expect(asTenant('t2', [[`update tasks set project_id = $1 where id = $2`, [p1, k3]]])).rejects.toMatchObject({
      code: '23503',
      constraint: 'tasks_project_fk',
    });
    await expect(asTenant('t1', [[`delete from tasks where id = $1`, [k1]]])).rejects.toMatchObject({
      code: '23503',
      constraint: 'task_dependencies_depends_on_fk',
    });
    await asTenant('t1', [
      [`delete from task_dependencies where id = $1`, [dep]],
      [`delete from tasks where id = $1`, [k1]],
    ]);
    expect(await asAdmin(`select count(*)::int as n from task_executions where id = '${e1}'`)).toEqual([{ n: 0 }]);
    expect(await asAdmin(`select count(*)::int as n from execution_reviews where id = '${r1}'`)).toEqual([{ n: 0 }]);
    // ON DELETE SET NULL (task_id): the lesson keeps its tenant and loses only the task.
    expect(await asAdmin(`select tenant_id, task_id from lessons where id = '${l1}'`)).toEqual([{ tenant_id: 't1', task_id: null }]);
    const rowsAfterDeletes = await rows();

    await withMigrator(database.ownerUrl, (migrator) => migrator.down({ to: BEFORE }));
    expect(await rows()).toEqual(rowsAfterDeletes);
    expect(await constraints('f')).toEqual(foreignKeysBefore);
    expect(await constraints('u')).toEqual(uniqueKeysBefore);
    expect(await primaryKeyOf('tasks')).toBe('PRIMARY KEY (id)');
    expect(await unforced()).toEqual([]);

    await withMigrator(database.ownerUrl, (migrator) => migrator.up({ to: CITUS_READY }));
    expect(await rows()).toEqual(rowsAfterDeletes);
    expect(await citusKeyViolations()).toEqual([]);
  });
});

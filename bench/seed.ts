import pg from 'pg';

export interface SeedShape {
  tenants: number;
  tasksPerTenant: number;
  /** Tenant 1 is the large one, for deep pages. */
  largeTenantTasks: number;
}

export const tenantName = (index: number) => `bench-tenant-${index}`;

/**
 * Admin tooling for the benchmark only: writes straight into the tables as a superuser (which
 * bypasses row-level security) because generate_series is far faster than the API for a big data set.
 */
export async function seedAsSuperuser(adminDatabaseUrl: string, shape: SeedShape): Promise<number> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query(
      `insert into tasks (id, tenant_id, project_id, user_id, prompt, state, current_agent, config, metadata, created_at, updated_at)
       select uuidv7(), 'bench-tenant-' || t, 'project-' || (n % 20), 'user-' || (n % 50),
              'Implement feature ' || n || ' for tenant ' || t || ': ' || repeat('context ', 20),
              (array['pending','running','awaiting_approval','completed','failed','cancelled'])[1 + n % 6],
              (array['orchestrator','architect','backend_dev','tester','reviewer'])[1 + n % 5],
              jsonb_build_object('model', 'large', 'temperature', 0.2), jsonb_build_object('source', 'bench', 'n', n),
              now() - make_interval(secs => n * 60), now() - make_interval(secs => n * 60)
       from generate_series(1, $1::int) as t
       cross join lateral generate_series(1, case when t = 1 then $3::int else $2::int end) as n`,
      [shape.tenants, shape.tasksPerTenant, shape.largeTenantTasks],
    );
    await client.query('analyze tasks');
    return rowCount ?? 0;
  } finally {
    await client.end();
  }
}

/** The cursor a client holds after paging `offset` tasks into a tenant's list. */
export async function rowAt(adminDatabaseUrl: string, tenant: string, offset: number): Promise<{ id: string; createdAt: Date }> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query('select id, created_at from tasks where tenant_id = $1 order by created_at desc, id desc offset $2 limit 1', [
      tenant,
      offset,
    ]);
    return { id: rows[0].id, createdAt: rows[0].created_at };
  } finally {
    await client.end();
  }
}

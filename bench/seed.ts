import pg from 'pg';

export interface SeedShape {
  tenants: number;
  tasksPerTenant: number;
  /** Tenant 1 is the large one, for deep pages. */
  largeTenantTasks: number;
}

export const tenantName = (index: number) => `bench-tenant-${index}`;

/** Each seeded tenant's projects: project-0 … project-19. */
export const PROJECTS_PER_TENANT = 20;

/** The id of each tenant's project of that name, by tenant index (0-based, as tokens are). */
export async function projectIdsNamed(adminDatabaseUrl: string, name: string, tenants: number): Promise<string[]> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `select t, p.id from generate_series(1, $2::int) as t join projects p on p.tenant_id = 'bench-tenant-' || t and p.name = $1 order by t`,
      [name, tenants],
    );
    return rows.map((row) => row.id as string);
  } finally {
    await client.end();
  }
}

/**
 * Admin tooling for the benchmark only: writes straight into the tables as a superuser (which
 * bypasses row-level security) because generate_series is far faster than the API for a big data set.
 */
export async function seedAsSuperuser(adminDatabaseUrl: string, shape: SeedShape): Promise<number> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl });
  await client.connect();
  try {
    // Tasks belong to projects of their tenant (a composite foreign key): each tenant gets project-0 … project-19 first.
    await client.query(
      `insert into projects (id, tenant_id, name, settings, created_at, updated_at)
       select uuidv7(), 'bench-tenant-' || t, 'project-' || p, '{}', now(), now()
       from generate_series(1, $1::int) as t cross join generate_series(0, ${PROJECTS_PER_TENANT - 1}) as p
       on conflict (tenant_id, name) do nothing`,
      [shape.tenants],
    );
    const { rowCount } = await client.query(
      `insert into tasks (id, tenant_id, project_id, user_id, prompt, state, current_agent, config, metadata, created_at, updated_at)
       select uuidv7(), 'bench-tenant-' || t, p.id, 'user-' || (n % 50),
              'Implement feature ' || n || ' for tenant ' || t || ': ' || repeat('context ', 20),
              (array['pending','running','awaiting_approval','completed','failed','cancelled'])[1 + n % 6],
              (array['orchestrator','architect','backend_dev','tester','reviewer'])[1 + n % 5],
              jsonb_build_object('model', 'large', 'temperature', 0.2), jsonb_build_object('source', 'bench', 'n', n),
              now() - make_interval(secs => n * 60), now() - make_interval(secs => n * 60)
       from generate_series(1, $1::int) as t
       cross join lateral generate_series(1, case when t = 1 then $3::int else $2::int end) as n
       join projects p on p.tenant_id = 'bench-tenant-' || t and p.name = 'project-' || (n % ${PROJECTS_PER_TENANT})`,
      [shape.tenants, shape.tasksPerTenant, shape.largeTenantTasks],
    );
    await client.query('analyze projects');
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
    const { rows } = await client.query(
      'select id, created_at from tasks where tenant_id = $1 order by created_at desc, id desc offset $2 limit 1',
      [tenant, offset],
    );
    return { id: rows[0].id, createdAt: rows[0].created_at };
  } finally {
    await client.end();
  }
}

import pg from 'pg';

export interface SeedShape {
  tenants: number;
  tasksPerTenant: number;
}

export const tenantName = (index: number) => `bench-tenant-${index}`;

/**
 * Admin tooling for the benchmark only: writes straight into the tables as a superuser (which
 * bypasses row-level security) because generate_series is far faster than the API for a big data set.
 */
export async function seedAsSuperuser(adminDatabaseUrl: string, shape: SeedShape): Promise<void> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl });
  await client.connect();
  try {
    await client.query(
      `insert into tasks (id, tenant_id, project_id, user_id, prompt, state, current_agent, config, metadata, created_at, updated_at)
       select gen_random_uuid(), 'bench-tenant-' || t, 'project-' || (n % 20), 'user-' || (n % 50),
              'Implement feature ' || n || ' for tenant ' || t || ': ' || repeat('context ', 20),
              (array['pending','running','awaiting_approval','completed','failed','cancelled'])[1 + n % 6],
              (array['orchestrator','architect','backend_dev','tester','reviewer'])[1 + n % 5],
              jsonb_build_object('model', 'large', 'temperature', 0.2), jsonb_build_object('source', 'bench', 'n', n),
              now() - make_interval(secs => n * 60), now() - make_interval(secs => n * 60)
       from generate_series(1, $1::int) as t, generate_series(1, $2::int) as n`,
      [shape.tenants, shape.tasksPerTenant],
    );
    await client.query('analyze tasks');
  } finally {
    await client.end();
  }
}

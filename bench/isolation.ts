import pg from 'pg';

/** A fully connected DAG: task n depends on every task before it. */
export const DENSE_GRAPH_TASKS = 200;

export interface IsolationSeed {
  /** The last task of the dense graph: its upstream lineage is the whole graph. */
  denseTip: string;
  /** The task with the most and largest executions the caps allow. */
  largestTask: string;
}

/**
 * Admin tooling for the benchmark only (a superuser, bypassing row-level security): the worst a tenant
 * can legitimately build — a dense dependency graph and a task at its execution caps — for the
 * isolation scenario, where that tenant reads them at full concurrency while another tenant works.
 */
export async function seedIsolationAsSuperuser(
  adminDatabaseUrl: string,
  tenant: string,
  executions: { count: number; largest: number; fieldBytes: number },
): Promise<IsolationSeed> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl });
  await client.connect();
  try {
    // Tasks belong to projects of their tenant (a composite foreign key).
    await client.query(
      `insert into projects (id, tenant_id, name, settings, created_at, updated_at)
       select uuidv7(), $1, name, '{}', now(), now() from unnest(array['dense', 'large']) name on conflict (tenant_id, name) do nothing`,
      [tenant],
    );
    const { rows: graph } = await client.query<{ id: string }>(
      `insert into tasks (id, tenant_id, project_id, user_id, prompt, state, config, metadata, created_at, updated_at)
       select uuidv7(), $1, (select id from projects where tenant_id = $1 and name = 'dense'), 'bench', 'dense graph ' || n, 'completed', '{}', '{}', now(), now()
       from generate_series(1, $2::int) n returning id`,
      [tenant, DENSE_GRAPH_TASKS],
    );
    await client.query(
      `insert into task_dependencies (id, tenant_id, task_id, depends_on_id)
       select uuidv7(), $1, later.id, earlier.id
       from unnest($2::uuid[]) with ordinality later(id, n)
       join unnest($2::uuid[]) with ordinality earlier(id, n) on earlier.n < later.n`,
      [tenant, graph.map((row) => row.id)],
    );
    const {
      rows: [largest],
    } = await client.query<{ id: string }>(
      `insert into tasks (id, tenant_id, project_id, user_id, prompt, state, config, metadata, created_at, updated_at)
       values (uuidv7(), $1, (select id from projects where tenant_id = $1 and name = 'large'), 'bench', 'the largest task', 'running', '{}', '{}', now(), now()) returning id`,
      [tenant],
    );
    // The newest `largest` runs carry every field at its cap, in text PostgreSQL cannot compress much.
    await client.query(
      `insert into task_executions (id, tenant_id, task_id, agent_type, input, status, output, error, started_at, finished_at)
       select uuidv7(), $1, $2, 'backend_dev', field, 'failed', field, field, now(), now()
       from generate_series(1, $3::int) n
       cross join lateral (select case when n > $3::int - $4::int
         then to_jsonb((select string_agg(md5(random()::text || n || k), '') from generate_series(1, $5::int / 32) k))
         else '"small"'::jsonb end as field) f`,
      [tenant, largest.id, executions.count, executions.largest, executions.fieldBytes],
    );
    return { denseTip: graph[graph.length - 1].id, largestTask: largest.id };
  } finally {
    await client.end();
  }
}

import pg from 'pg';

/** A query to explain: its name in the output, SQL with $n placeholders, and its parameters. */
export type ExplainedQuery = [name: string, sql: string, params: unknown[]];

/**
 * EXPLAIN ANALYZE, as the runtime role inside a tenant's transaction (RLS on), of SQL equivalent to
 * what the routes run (MikroORM's query builder inlines the values; the plans are the same).
 * `queries` may first read what it needs (e.g. a deep cursor) through the same client.
 */
export async function explainAsTenant(
  runtimeUrl: string,
  tenant: string,
  queries: (client: pg.Client) => Promise<ExplainedQuery[]>,
): Promise<string> {
  const client = new pg.Client({ connectionString: runtimeUrl });
  await client.connect();
  const plans: string[] = [];
  try {
    await client.query('begin');
    await client.query("select set_config('app.tenant_id', $1, true)", [tenant]);
    for (const [name, sql, params] of await queries(client)) {
      const { rows } = await client.query(`explain (analyze, costs off, timing off, summary off) ${sql}`, params);
      plans.push(`-- ${name}\n${rows.map((row) => row['QUERY PLAN']).join('\n')}`);
    }
    await client.query('rollback');
  } finally {
    await client.end();
  }
  return plans.join('\n\n');
}

/** The tasks list queries: first page, state filter, a page `deepOffset` rows deep, a read by id. */
export function explainListQueries(runtimeUrl: string, tenant: string, deepOffset: number): Promise<string> {
  return explainAsTenant(runtimeUrl, tenant, async (client) => {
    const [{ created_at: createdAt, id }] = (
      await client.query('select created_at, id from tasks where tenant_id = $1 order by created_at desc, id desc offset $2 limit 1', [tenant, deepOffset])
    ).rows;
    return [
      ['first page', 'select * from tasks t0 where t0.tenant_id = $1 order by t0.created_at desc, t0.id desc limit 51', [tenant]],
      [
        'state filter',
        "select * from tasks t0 where t0.tenant_id = $1 and t0.state in ('running') order by t0.created_at desc, t0.id desc limit 51",
        [tenant],
      ],
      [
        `page ${deepOffset} rows deep (keyset)`,
        'select * from tasks t0 where t0.tenant_id = $1 and (t0.created_at, t0.id) < ($2, $3) order by t0.created_at desc, t0.id desc limit 51',
        [tenant, createdAt, id],
      ],
      ['by id', 'select * from tasks t0 where t0.tenant_id = $1 and t0.id = $2 limit 1', [tenant, id]],
    ];
  });
}

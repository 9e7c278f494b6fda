import type pg from 'pg';

/**
 * The rules a table must follow for Citus to distribute it by tenant (ADR 0009), read from
 * pg_catalog. Every table in the public schema has a tenant_id column; every primary key, unique
 * index and exclusion constraint includes it as a key column; every foreign key onto a tenant table
 * pairs the child's tenant_id with the parent's. Each exception is listed with its reason.
 */

/** Tables that hold no tenant's rows: on Citus they stay local to the coordinator. */
export const NOT_TENANT_DATA: Record<string, string> = {
  mikro_orm_migrations: "MikroORM's record of applied migrations: schema state, not tenant data",
  job_leases: 'cluster maintenance state, one lease per scheduled job (ClusterJobs): not tenant data',
};

/** Tenant tables without a primary key. */
export const WITHOUT_PRIMARY_KEY: Record<string, string> = {
  tenant_storage_deltas: 'an append-only queue of size changes that the storage job folds and deletes wholesale: no row is ever addressed',
};

/** Foreign keys that reach the global catalogue (ADR 0006), from a tenant's row onto a row of another tenant id. */
export const ONTO_GLOBAL_CATALOGUE: Record<string, string> = {
  asset_dependencies_upstream_fk: "an edge onto a global asset: (upstream_tenant_id, upstream_id) is the edge's tenant or the global id",
  workflow_executions_workflow_fk:
    "a run of a global workflow template: (workflow_tenant_id, workflow_id) is the run's tenant or the global id",
  workflow_executions_version_fk: "a run of a global workflow template's version: (workflow_tenant_id, version_id), likewise",
};

type Rule = 'tenant column' | 'primary key' | 'unique key' | 'foreign key';

interface Finding {
  table: string;
  rule: Rule;
  name: string;
  detail: string;
}

const FINDINGS = `
  with tables as (
    select c.oid, c.relname, a.attnum as tenant_column
    from pg_class c
    left join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
  )
  select t.relname as table, 'tenant column' as rule, t.relname as name, 'no tenant_id column' as detail
  from tables t where t.tenant_column is null
  union all
  select t.relname, 'primary key', t.relname, 'no primary key'
  from tables t
  where t.tenant_column is not null and not exists (select from pg_constraint k where k.conrelid = t.oid and k.contype = 'p')
  union all
  select t.relname, case when x.indisprimary then 'primary key' else 'unique key' end, i.relname, pg_get_indexdef(x.indexrelid)
  from tables t
  join pg_index x on x.indrelid = t.oid
  join pg_class i on i.oid = x.indexrelid
  where t.tenant_column is not null and (x.indisunique or x.indisexclusion)
    and not exists (select from generate_series(0, x.indnkeyatts - 1) n where x.indkey[n] = t.tenant_column)
  union all
  select t.relname, 'foreign key', k.conname, pg_get_constraintdef(k.oid)
  from pg_constraint k
  join tables t on t.oid = k.conrelid
  join tables p on p.oid = k.confrelid
  where k.contype = 'f' and p.tenant_column is not null
    and not exists (
      select from generate_subscripts(k.conkey, 1) n where k.conkey[n] = t.tenant_column and k.confkey[n] = p.tenant_column
    )
  order by 1, 2, 3`;

function excepted(finding: Finding): boolean {
  switch (finding.rule) {
    case 'tenant column':
      return finding.table in NOT_TENANT_DATA;
    case 'primary key':
      return finding.detail === 'no primary key' && finding.table in WITHOUT_PRIMARY_KEY;
    case 'unique key':
      return false;
    case 'foreign key':
      return finding.name in ONTO_GLOBAL_CATALOGUE;
  }
}

export interface CitusKeyCheck {
  /** Every table, key and foreign key that breaks a rule without a listed exception, as `table: rule name — detail`. */
  violations: string[];
  /** Listed exceptions that match nothing in the schema any more: they hide nothing, but mislead. */
  staleExceptions: string[];
}

export async function checkCitusKeys(client: pg.Client): Promise<CitusKeyCheck> {
  const { rows } = await client.query<Finding>(FINDINGS);
  const matched = new Set(rows.filter(excepted).map((finding) => (finding.rule === 'foreign key' ? finding.name : finding.table)));
  return {
    violations: rows
      .filter((finding) => !excepted(finding))
      .map((finding) => `${finding.table}: ${finding.rule} ${finding.name} — ${finding.detail}`),
    staleExceptions: [...Object.keys(NOT_TENANT_DATA), ...Object.keys(WITHOUT_PRIMARY_KEY), ...Object.keys(ONTO_GLOBAL_CATALOGUE)].filter(
      (name) => !matched.has(name),
    ),
  };
}

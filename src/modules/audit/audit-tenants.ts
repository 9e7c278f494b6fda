import { type SqlFragment, sql } from '../../platform/database/sql/sql.js';

/**
 * The distinct tenants of the audit entries matching `filter`, one index probe per tenant (a loose
 * index scan) rather than a scan of every entry. For the schema owner's jobs: row-level security
 * shows the runtime role one tenant at a time.
 */
export function auditTenants(filter: SqlFragment = sql`true`) {
  return sql<{ tenant_id: string }>`
    with recursive tenants as (
      select min(tenant_id) as tenant_id from audit_entries where ${filter}
      union all
      select (select min(tenant_id) from audit_entries where ${filter} and tenant_id > tenants.tenant_id)
      from tenants where tenants.tenant_id is not null
    )
    select tenant_id from tenants where tenant_id is not null`;
}

import type { INestApplicationContext } from '@nestjs/common';
import pg from 'pg';
import { AuditLogService } from '../src/modules/audit/audit-log.service.js';
import type { ListAuditLogsQuery } from '../src/modules/audit/dto/list-audit-logs.query.js';
import { principalOf, Role } from '../src/platform/auth/principal.js';
import { explainCalls } from './explain.js';

export const AUDIT_LARGE_TENANT_ENTRIES = 1_000_000;
export const AUDIT_ENTRIES_PER_TENANT = 4_000;
const ACTIONS = [
  'task.create',
  'task.transition',
  'task.update',
  'task_artifact.create',
  'lesson.create',
  'lesson.apply',
  'pattern.update',
  'lesson.update',
];
/** One in this many entries is an access.denied: the rare action of the filtered scenarios. */
const DENIED_EVERY = 200;
export const AUDIT_ACTORS = 50;

/**
 * Admin tooling for the benchmark only: writes audit entries straight into the table as a superuser
 * with the sealing triggers off (replica mode) — the read benchmark needs the volume, not valid
 * chains. Tenant 1 gets `largeTenantEntries`, every other tenant `entriesPerTenant`, one second apart.
 */
export async function seedAuditAsSuperuser(adminDatabaseUrl: string, tenants: number): Promise<number> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl });
  await client.connect();
  try {
    await client.query("set maintenance_work_mem = '512MB'");
    await client.query('set session_replication_role = replica');
    const { rowCount } = await client.query(
      `insert into audit_entries (id, tenant_id, chain, chain_seq, prev_hash, hash, actor_id, actor_roles, action, resource_type,
                                  resource_id, details, ip_address, user_agent, request_id, created_at)
       select gen_random_uuid(), 'bench-tenant-' || t, n % 16, n / 16 + 1, null, sha256(n::text::bytea),
              'user-' || (n % $4::int), '{}', a.action, split_part(a.action, '.', 1), md5(t || ':' || (n / 3))::uuid::text,
              jsonb_build_object('changes', jsonb_build_object('state', jsonb_build_object('before', 'pending', 'after', 'running'))),
              '10.0.0.' || (n % 250), 'bench/1.0', md5(n::text), now() - make_interval(secs => n)
       from generate_series(1, $1::int) as t,
            generate_series(1, case when t = 1 then $2::int else $3::int end) as n,
            lateral (select case when n % ${DENIED_EVERY} = 0 then 'access.denied' else ($5::text[])[1 + n % ${ACTIONS.length}] end as action) a`,
      [tenants, AUDIT_LARGE_TENANT_ENTRIES, AUDIT_ENTRIES_PER_TENANT, AUDIT_ACTORS, ACTIONS],
    );
    await client.query('analyze audit_entries');
    return rowCount ?? 0;
  } finally {
    await client.end();
  }
}

/** Turns the capture triggers of the audited tables off or on: the "audit disabled" side of the write benchmark. */
export async function setAuditCapture(adminDatabaseUrl: string, enabled: boolean): Promise<void> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ table: string }>(
      `select tgrelid::regclass::text as table from pg_trigger where tgname = 'audit_capture'`,
    );
    for (const { table } of rows) {
      await client.query(`alter table ${table} ${enabled ? 'enable' : 'disable'} trigger audit_capture`);
    }
  } finally {
    await client.end();
  }
}

/** How many entries wait for the sealer, across tenants (superuser: no row-level security). */
export async function unsealedEntries(adminDatabaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: number }>('select count(*)::int as count from audit_entries where hash is null');
    return rows[0].count;
  } finally {
    await client.end();
  }
}

/** The admin's audit queries on the large tenant, explained as the tenant. */
export function explainAuditQueries(runtimeUrl: string, tenant: string): Promise<string> {
  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
  const list = (filters: Partial<ListAuditLogsQuery>) => (app: INestApplicationContext) =>
    app.get(AuditLogService, { strict: false }).list({ limit: 50, ...filters } as ListAuditLogsQuery);
  return explainCalls(runtimeUrl, principalOf(tenant, 'bench-admin', [Role.Admin]), [
    ['latest page', list({})],
    ['action prefix task.', list({ action: 'task.' })],
    ['rare action access.denied', list({ action: 'access.denied' })],
    ['actor', list({ actorId: 'user-7' })],
    ['one day, five days ago', list({ from: daysAgo(6), to: daysAgo(5) })],
  ]);
}

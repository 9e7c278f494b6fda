import pg from 'pg';
import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app.js';
import { adminUrl, createTestDatabase, TestDatabase, withAdminClient, withOwnerClient } from '../support/test-database.js';
import { bearer, tokenFor } from '../support/tokens.js';

/** The database's own wall: these queries bypass the application and talk to PostgreSQL as the runtime role. */
describe('row-level security (as the runtime role, no ORM)', () => {
  let testApp: TestApp;
  let runtime: pg.Client;

  beforeAll(async () => {
    testApp = await startTestApp();
    for (const [tenant, prompt] of [
      ['tenant-a', 'a1'],
      ['tenant-a', 'a2'],
      ['tenant-b', 'b1'],
    ]) {
      await request(testApp.server)
        .post('/api/tasks')
        .set(bearer(tokenFor({ tenant, sub: 'u' })))
        .send({ prompt })
        .expect(201);
    }
    runtime = new pg.Client({ connectionString: testApp.database.runtimeUrl });
    await runtime.connect();
  });
  afterAll(async () => {
    await runtime.end();
    await testApp.close();
  });

  async function asTenant<T>(tenant: string, work: () => Promise<T>): Promise<T> {
    await runtime.query('begin');
    try {
      await runtime.query("select set_config('app.tenant_id', $1, true)", [tenant]);
      return await work();
    } finally {
      await runtime.query('rollback');
    }
  }

  it('sees no rows and cannot insert when no tenant is set', async () => {
    expect((await runtime.query('select count(*)::int as n from tasks')).rows[0].n).toBe(0);
    await expect(
      runtime.query(
        "insert into tasks (id, tenant_id, user_id, prompt, config, metadata, created_at, updated_at) values (gen_random_uuid(), 'tenant-a', 'u', 'p', '{}', '{}', now(), now())",
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('sees only the set tenant’s rows, even with no tenant filter in the query', async () => {
    const prompts = await asTenant('tenant-a', async () => (await runtime.query('select prompt from tasks order by prompt')).rows);
    expect(prompts.map((row) => row.prompt)).toEqual(['a1', 'a2']);
  });

  it('refuses to write a row into another tenant', async () => {
    await expect(
      asTenant('tenant-a', () =>
        runtime.query(
          "insert into tasks (id, tenant_id, user_id, prompt, config, metadata, created_at, updated_at) values (gen_random_uuid(), 'tenant-b', 'u', 'p', '{}', '{}', now(), now())",
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    const moved = await asTenant('tenant-a', () => runtime.query("update tasks set tenant_id = 'tenant-b'").catch((error: Error) => error));
    expect(String(moved)).toMatch(/row-level security/);
  });

  it('fails closed after a transaction-local tenant ends (the setting reads as an empty string)', async () => {
    await asTenant('tenant-a', async () => undefined);
    expect((await runtime.query("select current_setting('app.tenant_id', true) as setting")).rows[0].setting).toBe('');
    expect((await runtime.query('select count(*)::int as n from tasks')).rows[0].n).toBe(0);
  });

  it('has every tenant table with tenant_id NOT NULL, forced RLS, a policy, and tenant_id in every unique constraint', async () => {
    const { rows } = await runtime.query(`
      select c.relname as table, a.attnotnull as not_null, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
        (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies,
        (select count(*)::int from pg_constraint k where k.conrelid = c.oid and k.contype in ('u') and not (a.attnum = any (k.conkey))) as uniques_without_tenant
      from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id'
      where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'`);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row).toEqual({
        table: row.table,
        not_null: true,
        rls: true,
        forced: true,
        policies: expect.any(Number),
        uniques_without_tenant: 0,
      });
      expect(row.policies).toBeGreaterThan(0);
    }
  });

  it('lets every tenant, and no tenant, read global catalogue rows, and the runtime role write none, whatever app.tenant_id says', async () => {
    const GLOBAL = '\u001fglobal';
    const insertGlobal = () =>
      runtime.query(
        "insert into assets (id, tenant_id, name, asset_type, tags, created_at, updated_at) values (gen_random_uuid(), $1, 'g', 'table', '{}', now(), now())",
        [GLOBAL],
      );
    // Only the schema owner writes them (npm run catalog).
    await withOwnerClient(testApp.database, async (owner) => {
      await owner.query('begin');
      await owner.query("select set_config('app.tenant_id', $1, true)", [GLOBAL]);
      await owner.query(
        "insert into assets (id, tenant_id, name, asset_type, tags, created_at, updated_at) values (gen_random_uuid(), $1, 'reference', 'table', '{}', now(), now())",
        [GLOBAL],
      );
      await owner.query('commit');
    });
    expect((await runtime.query('select name from assets')).rows).toEqual([{ name: 'reference' }]);
    for (const tenant of ['tenant-a', 'tenant-b', GLOBAL]) {
      await asTenant(tenant, async () => {
        expect((await runtime.query('select name from assets where tenant_id = $1', [GLOBAL])).rows).toEqual([{ name: 'reference' }]);
        expect((await runtime.query('update assets set name = $2 where tenant_id = $1', [GLOBAL, 'x'])).rowCount).toBe(0);
        expect((await runtime.query('delete from assets where tenant_id = $1', [GLOBAL])).rowCount).toBe(0);
      });
    }
    await expect(asTenant(GLOBAL, insertGlobal)).rejects.toThrow(/row-level security/);
    await expect(asTenant('tenant-a', insertGlobal)).rejects.toThrow(/row-level security/);
    await expect(insertGlobal()).rejects.toThrow(/row-level security/);
  });

  it('grants the runtime role no permissive policy but tenant isolation and read-only global rows', async () => {
    const { rows } = await runtime.query(`
      select tablename as table, policyname as policy, permissive, cmd, roles::text[] as roles, qual from pg_policies
      where schemaname = 'public' and (roles && array['public', 'tessera_runtime']::name[])
      order by 1, 2`);
    const unexpected = rows.filter(
      (row) =>
        !(row.policy === 'tenant_isolation' && row.permissive === 'PERMISSIVE') &&
        !(row.permissive === 'RESTRICTIVE' && row.policy.startsWith('global_') && row.cmd !== 'SELECT') &&
        !(row.policy === 'global_read' && row.cmd === 'SELECT' && row.qual.includes("tenant_id = '\u001fglobal'::text")),
    );
    expect(unexpected).toEqual([]);
    const globalTables = rows.filter((row) => row.policy === 'global_read').map((row) => row.table);
    for (const table of globalTables) {
      expect(
        rows
          .filter((row) => row.table === table && row.permissive === 'RESTRICTIVE')
          .map((row) => row.cmd)
          .sort(),
      ).toEqual(['DELETE', 'INSERT', 'UPDATE']);
    }
    expect(globalTables).toEqual(['asset_dependencies', 'assets', 'workflow_version_assets', 'workflow_versions', 'workflows']);
  });

  it('serves as a role that is not superuser, has no BYPASSRLS and owns no table', async () => {
    const { rows } = await runtime.query(`
      select r.rolsuper, r.rolbypassrls,
        (select count(*)::int from pg_class c where c.relnamespace = 'public'::regnamespace and pg_has_role(current_user, c.relowner, 'MEMBER')) as owned
      from pg_roles r where r.rolname = current_user`);
    expect(rows[0]).toEqual({ rolsuper: false, rolbypassrls: false, owned: 0 });
  });

  it('exposes no SECURITY DEFINER function and no view without security_invoker', async () => {
    const { rows } = await runtime.query(`
      select p.proname as name from pg_proc p where p.pronamespace = 'public'::regnamespace and p.prosecdef
      union all
      select c.relname from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind = 'v'
        and not coalesce('security_invoker=true' = any (c.reloptions), false)`);
    expect(rows).toEqual([]);
  });
});

describe('start-up check of the runtime role', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(() => database.drop());

  function withRole(url: string): string {
    const target = new URL(url);
    target.pathname = `/${database.name}`;
    return target.toString();
  }

  const asOwner = (statement: string) => withOwnerClient(database, (owner) => owner.query(statement));

  it('serves as the runtime role of a freshly migrated database', async () => {
    const testApp = await startTestApp({}, database);
    await testApp.close();
  });

  it('refuses to serve as a superuser', async () => {
    await expect(startTestApp({}, { ...database, runtimeUrl: withRole(adminUrl()) })).rejects.toThrow(/superuser/);
  });

  it('refuses to serve as the owner of the tables', async () => {
    await expect(startTestApp({}, { ...database, runtimeUrl: database.ownerUrl })).rejects.toThrow(/owns/);
  });

  it('refuses to serve as a BYPASSRLS role', async () => {
    const role = `bypass_${database.name.slice(-8)}`;
    await withAdminClient(async (admin) => {
      await admin.query(`create role ${role} login password 'bypass' bypassrls in role tessera_runtime`);
    });
    try {
      const url = new URL(database.runtimeUrl);
      url.username = role;
      url.password = 'bypass';
      await expect(startTestApp({}, { ...database, runtimeUrl: url.toString() })).rejects.toThrow(/BYPASSRLS/);
    } finally {
      await withAdminClient((admin) => admin.query(`drop role ${role}`));
    }
  });

  it('refuses a tenant table without forced row-level security', async () => {
    await asOwner('alter table tasks no force row level security');
    await expect(startTestApp({}, database)).rejects.toThrow(/without forced RLS: tasks/);
  });

  it('refuses a SECURITY DEFINER function the runtime role may call, and a view without security_invoker', async () => {
    await asOwner('create function peek() returns bigint language sql security definer as $$ select count(*) from tasks $$');
    const runtime = new pg.Client({ connectionString: database.runtimeUrl });
    await runtime.connect();
    try {
      const { rows } = await runtime.query("select has_function_privilege('peek()', 'EXECUTE') as allowed");
      expect(rows[0].allowed).toBe(false);
    } finally {
      await runtime.end();
    }
    await asOwner('grant execute on function peek() to tessera_runtime');
    await asOwner('create view all_tasks as select * from tasks');
    await expect(startTestApp({}, database)).rejects.toThrow(/SECURITY DEFINER functions: peek.*views that bypass RLS[^:]*: all_tasks/);
  });
});

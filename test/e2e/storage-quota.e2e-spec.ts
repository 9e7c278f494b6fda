import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { withMigrator } from '../../src/platform/database/migrations.js';
import { StorageUsageService } from '../../src/platform/storage-quota/storage-usage.js';
import { tenantTablesWithout } from '../support/tenant-tables.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { createTestDatabase, TestDatabase, withAdminClient } from '../support/test-database.js';
import { bearer, tokenFor } from '../support/tokens.js';

const QUOTA = 64 * 1024;
const admin = bearer(tokenFor({ tenant: 'hoarder', sub: 'ada', roles: ['admin'] }));
const user = bearer(tokenFor({ tenant: 'hoarder', sub: 'ulf' }));
const neighbour = bearer(tokenFor({ tenant: 'neighbour', sub: 'nia', roles: ['admin'] }));

describe('storage usage and quota', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp({ TENANT_STORAGE_QUOTA_BYTES: String(QUOTA) });
  });
  afterAll(() => testApp.close());

  const usage = async (auth: Record<string, string>) => (await request(testApp.server).get('/api/usage').set(auth).expect(200)).body;
  const compact = () => testApp.app.get(StorageUsageService).compact();
  // Random text: PostgreSQL compresses what it stores, and the account counts stored bytes.
  const bigTask = (auth: Record<string, string>) =>
    request(testApp.server)
      .post('/api/tasks')
      .set(auth)
      .send({ prompt: randomBytes(15_000).toString('base64') });

  it('accounts every table with tenant data, but the audit trail, the account itself and the lessons’ word dictionary and its trigrams (derived from accounted lessons)', async () => {
    const unaccounted = await tenantTablesWithout('storage_account', testApp.database.name);
    expect(unaccounted).toEqual(['audit_entries', 'lesson_lexeme_trigrams', 'lesson_lexemes', 'tenant_storage', 'tenant_storage_deltas']);
  });

  it("shows administrators their own tenant's bytes by table, exact before and after compaction", async () => {
    await request(testApp.server).get('/api/usage').set(user).expect(403);
    const before = await usage(admin);
    expect(before).toMatchObject({ quotaBytes: QUOTA, usedBytes: 0, overQuota: false, tables: [] });

    const task = (await bigTask(user).expect(201)).body as { id: string };
    const afterTask = await usage(admin);
    const tasks = afterTask.tables.find((entry: { table: string }) => entry.table === 'tasks');
    expect(tasks.bytes).toBeGreaterThan(20_000);
    await compact();
    expect(await usage(admin)).toEqual(afterTask);
    expect((await usage(neighbour)).usedBytes).toBe(0);

    await request(testApp.server).patch(`/api/tasks/${task.id}`).set(user).send({ prompt: 'short now' }).expect(200);
    const shrunk = (await usage(admin)).tables.find((entry: { table: string }) => entry.table === 'tasks');
    expect(shrunk.bytes).toBeLessThan(tasks.bytes - 19_000);
  });

  it('refuses writes with 507 once a tenant is over its quota, serves its reads, and leaves other tenants alone', async () => {
    while ((await usage(admin)).usedBytes <= QUOTA) {
      await bigTask(user).expect(201);
    }
    await compact();
    const refused = await bigTask(user);
    expect(refused.status).toBe(507);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ status: 507, quotaBytes: QUOTA });
    await request(testApp.server).get('/api/tasks').set(user).expect(200);
    await bigTask(neighbour).expect(201);
    expect((await usage(admin)).overQuota).toBe(true);
  });
});

describe('the storage accounting and stored extents migrations, on a database holding tasks', () => {
  const BEFORE = 'Migration20261201153134_dashboard_history_contents';
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('template0');
    await withMigrator(database.ownerUrl, (migrator) => migrator.up({ to: BEFORE }));
  });
  afterAll(() => database.drop());

  const asAdmin = async <T>(sql: string) => withAdminClient(async (client) => (await client.query(sql)).rows as T[], database.name);

  it('accounts the data already stored, per tenant and table, and goes back down', async () => {
    await asAdmin(`insert into tasks (id, tenant_id, user_id, prompt, state, config, metadata, created_at, updated_at)
      select gen_random_uuid(), 'tenant-' || (n % 2), 'u', repeat('p', 1000 * n), 'pending', '{}', '{}', now(), now() from generate_series(1, 4) n`);
    const stored = await asAdmin<{ tenant_id: string; bytes: string }>(
      `select tenant_id, sum(pg_column_size(t))::text as bytes from tasks t group by tenant_id order by tenant_id`,
    );
    await withMigrator(database.ownerUrl, (migrator) => migrator.up());
    expect(await asAdmin(`select tenant_id, bytes::text from tenant_storage where table_name = 'tasks' order by tenant_id`)).toEqual(
      stored,
    );
    // The later migration's stored previews and sizes are filled in for rows that existed before it.
    expect(await asAdmin(`select length(prompt_preview) as preview, prompt_bytes as bytes from tasks order by prompt_bytes`)).toEqual(
      [1, 2, 3, 4].map((n) => ({ preview: 200, bytes: 1000 * n })),
    );

    await withMigrator(database.ownerUrl, (migrator) => migrator.down({ to: BEFORE }));
    expect(await asAdmin(`select to_regclass('tenant_storage')::text as account`)).toEqual([{ account: null }]);
    expect(await asAdmin(`select count(*)::int as triggers from pg_trigger where tgname = 'storage_account'`)).toEqual([{ triggers: 0 }]);
  });
});

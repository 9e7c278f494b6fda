import pg from 'pg';
import request from 'supertest';
import { DashboardTrashPurgeJob } from '../../src/modules/dashboards/dashboard-trash-purge.job.js';
import { DashboardsService } from '../../src/modules/dashboards/dashboards.service.js';
import { principalOf, Role } from '../../src/platform/auth/principal.js';
import { TenantScope } from '../../src/platform/tenancy/tenant-scope.js';
import { createDashboard, createWidget } from '../support/dashboards.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { createTestDatabase, TestDatabase, withAdminClient } from '../support/test-database.js';
import { bearer, tokenFor } from '../support/tokens.js';

describe('dashboard trash retention and durability', () => {
  let database: TestDatabase;
  let testApp: TestApp;
  const owner = bearer(tokenFor({ tenant: 'retention', sub: 'rita' }));
  const api = () => request(testApp.server);

  beforeAll(async () => {
    database = await createTestDatabase();
    testApp = await startTestApp({ DASHBOARD_TRASH_RETENTION_DAYS: '7' }, database);
  });
  afterAll(async () => {
    await testApp.close();
    await database.drop();
  });

  /** Moves a trashed dashboard's deletion into the past, as a superuser (row-level security bypassed). */
  const deletedDaysAgo = (id: string, days: number) =>
    withAdminClient(
      (client) => client.query(`update dashboards set deleted_at = now() - make_interval(days => $2) where id = $1`, [id, days]),
      database.name,
    );

  it('treats trash older than DASHBOARD_TRASH_RETENTION_DAYS as gone, and purgeExpiredTrash deletes only the current tenant’s', async () => {
    const expired = await createDashboard(testApp, owner, { name: 'Expired' });
    await createWidget(testApp, owner, expired.id);
    const recent = await createDashboard(testApp, owner, { name: 'Recent' });
    const otherTenant = bearer(tokenFor({ tenant: 'retention-other', sub: 'otto' }));
    const othersExpired = await createDashboard(testApp, otherTenant, { name: 'Theirs' });
    for (const [id, auth] of [
      [expired.id, owner],
      [recent.id, owner],
      [othersExpired.id, otherTenant],
    ] as const) {
      await api().delete(`/api/dashboards/${id}`).set(auth).expect(204);
    }
    await deletedDaysAgo(expired.id, 8);
    await deletedDaysAgo(recent.id, 6);
    await deletedDaysAgo(othersExpired.id, 8);

    const trash = await api().get('/api/dashboards/trash').set(owner).expect(200);
    expect(trash.body.items.map((item: { name: string }) => item.name)).toEqual(['Recent']);
    await api().post(`/api/dashboards/${expired.id}/restore`).set(owner).expect(404);
    await api().delete(`/api/dashboards/${expired.id}?permanent=true`).set(owner).expect(404);

    const job = principalOf('retention', 'trash-purger', [Role.Service]);
    const purged = await testApp.app.get(TenantScope).run(job, () => testApp.app.get(DashboardsService).purgeExpiredTrash());
    expect(purged).toBe(1);
    const left = await withAdminClient(
      (client) =>
        client.query<{ name: string }>('select name from dashboards where tenant_id in ($1, $2) order by name', [
          'retention',
          'retention-other',
        ]),
      database.name,
    );
    expect(left.rows.map((row) => row.name)).toEqual(['Recent', 'Theirs']);
    const widgets = await withAdminClient(
      (client) => client.query('select count(*)::int as n from widgets where dashboard_id = $1', [expired.id]),
      database.name,
    );
    expect(widgets.rows[0].n).toBe(0);
    await api().post(`/api/dashboards/${recent.id}/restore`).set(owner).expect(200);
  });

  it('purges every tenant’s expired trash in the hourly job, audited as the purger', async () => {
    const tenants = ['purge-a', 'purge-b'];
    const ids: string[] = [];
    for (const tenant of tenants) {
      const auth = bearer(tokenFor({ tenant, sub: 'pat' }));
      const dashboard = await createDashboard(testApp, auth, { name: 'Old' });
      await api().delete(`/api/dashboards/${dashboard.id}`).set(auth).expect(204);
      await deletedDaysAgo(dashboard.id, 8);
      ids.push(dashboard.id);
    }
    expect(await testApp.app.get(DashboardTrashPurgeJob).run()).toBeGreaterThanOrEqual(2);
    const left = await withAdminClient(
      (client) => client.query('select count(*)::int as n from dashboards where id = any($1)', [ids]),
      database.name,
    );
    expect(left.rows[0].n).toBe(0);
    const admin = bearer(tokenFor({ tenant: 'purge-b', sub: 'ada', roles: ['admin'] }));
    const entries = await api().get('/api/audit-logs').query({ resourceId: ids[1], action: 'dashboard.delete' }).set(admin).expect(200);
    expect(entries.body.items.map((entry: { actorId: string }) => entry.actorId)).toEqual(['service:dashboard-trash-retention']);
  });

  it('never lets the runtime role rewrite history (retention may only delete it); configs and schema configs are never deleted by it', async () => {
    const runtime = new pg.Client({ connectionString: database.runtimeUrl });
    await runtime.connect();
    try {
      for (const statement of [
        'update dashboard_versions set version = version',
        'update dashboard_widget_lists set widgets = widgets',
        'update dashboard_widget_contents set content = content',
        'delete from dashboard_user_configs',
        'delete from schema_configs',
      ]) {
        await runtime.query('begin');
        await runtime.query("select set_config('app.tenant_id', 'retention', true)");
        await expect(runtime.query(statement)).rejects.toThrow(/permission denied/);
        await runtime.query('rollback');
      }
    } finally {
      await runtime.end();
    }
  });

  it('reads back after a server restart what was written before it', async () => {
    const dashboard = await createDashboard(testApp, owner, {
      name: 'Durable',
      filters: [{ id: 'f', type: 'select', label: 'Region', field: 'region' }],
    });
    const widget = await createWidget(testApp, owner, dashboard.id);
    await api()
      .put(`/api/dashboards/${dashboard.id}/config`)
      .set(owner)
      .send({ theme: { name: 'dark' } })
      .expect(200);
    const before = (await api().get(`/api/dashboards/${dashboard.id}`).set(owner).expect(200)).body;

    await testApp.close();
    testApp = await startTestApp({ DASHBOARD_TRASH_RETENTION_DAYS: '7' }, database);

    const after = await api().get(`/api/dashboards/${dashboard.id}`).set(owner).expect(200);
    expect(after.body).toEqual(before);
    expect(after.body.widgets.map((item: { id: string }) => item.id)).toEqual([widget.id]);
    expect((await api().get(`/api/dashboards/${dashboard.id}/config`).set(owner)).body).toMatchObject({
      theme: { name: 'dark' },
      version: 1,
    });
    expect((await api().get(`/api/dashboards/${dashboard.id}/versions`).set(owner)).body.items).toHaveLength(1);
  });
});

import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DashboardHistoryRetentionJob } from '../../src/modules/dashboards/dashboard-history-retention.job.js';
import { DashboardsService } from '../../src/modules/dashboards/dashboards.service.js';
import { principalOf } from '../../src/platform/auth/principal.js';
import { TenantScope } from '../../src/platform/tenancy/tenant-scope.js';
import { createDashboard, createWidget, type DashboardBody, SALES_QUERY } from '../support/dashboards.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { withAdminClient } from '../support/test-database.js';
import { bearer, tokenFor } from '../support/tokens.js';

type Headers = Record<string, string>;

/** History: content-addressed storage, retention, and who may read and restore which version. */
describe('dashboard history', () => {
  let testApp: TestApp;
  const api = () => request(testApp.server);
  const HISTORY_TABLES = ['dashboard_versions', 'dashboard_widget_lists', 'dashboard_widget_contents'];

  beforeAll(async () => {
    testApp = await startTestApp({ RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_PER_USER_PER_MINUTE: '100000' });
  });
  afterAll(() => testApp.close());

  /** SQL as a superuser (row-level security bypassed) on the test database. */
  const asAdmin = <T>(sql: string, params: unknown[] = []) =>
    withAdminClient(async (client) => (await client.query(sql, params)).rows as T[], testApp.database.name);

  const historyBytes = async () =>
    Number(
      (
        await asAdmin<{ bytes: string }>('select sum(pg_total_relation_size(t::regclass))::text as bytes from unnest($1::text[]) t', [
          HISTORY_TABLES,
        ])
      )[0].bytes,
    );

  /** How many rows each history table holds for the dashboard. */
  const historyRows = async (dashboardId: string) =>
    Object.fromEntries(
      await Promise.all(
        HISTORY_TABLES.map(async (table) => [
          table,
          (await asAdmin<{ n: number }>(`select count(*)::int as n from ${table} where dashboard_id = $1`, [dashboardId]))[0].n,
        ]),
      ),
    );

  /** Lists no version uses, contents no list uses, and references to contents that are gone. */
  const strays = async (dashboardId: string) =>
    (
      await asAdmin<{ unused_lists: number; unused_contents: number; missing_contents: number }>(
        `select (select count(*) from dashboard_widget_lists l where l.dashboard_id = $1
                   and not exists (select from dashboard_versions v where v.dashboard_id = l.dashboard_id and v.widget_list_hash = l.hash))::int as unused_lists,
                (select count(*) from dashboard_widget_contents c where c.dashboard_id = $1
                   and not exists (select from dashboard_widget_lists l, jsonb_array_elements(l.widgets) w
                                   where l.dashboard_id = c.dashboard_id and w->>'contentSha256' = c.hash))::int as unused_contents,
                (select count(*) from dashboard_widget_lists l, jsonb_array_elements(l.widgets) w where l.dashboard_id = $1
                   and not exists (select from dashboard_widget_contents c where c.dashboard_id = l.dashboard_id and c.hash = w->>'contentSha256'))::int as missing_contents`,
        [dashboardId],
      )
    )[0];

  const versionsOf = async (dashboardId: string, auth: Headers) =>
    ((await api().get(`/api/dashboards/${dashboardId}/versions?limit=200`).set(auth).expect(200)).body.items as { version: number }[]).map(
      (item) => item.version,
    );

  const read = async (dashboardId: string, auth: Headers): Promise<DashboardBody> =>
    (await api().get(`/api/dashboards/${dashboardId}`).set(auth).expect(200)).body;

  describe('storage', () => {
    const owner = bearer(tokenFor({ tenant: 'history-storage', sub: 'hana' }));

    it('keeps each widget content once: 200 description PATCHes of a ~900 KB dashboard add well under 1 MB', async () => {
      const dashboard = await createDashboard(testApp, owner, { name: 'Heavy' });
      // Random, so that no compression hides a copy: 15 × 60 KB of widget config.
      for (let i = 0; i < 15; i++) {
        await createWidget(testApp, owner, dashboard.id, {
          type: 'text',
          query: null,
          title: `Notes ${i}`,
          position: { x: 0, y: i, w: 1, h: 1 },
          config: { blob: randomBytes(45_000).toString('base64') },
        });
      }
      const before = await historyBytes();
      // In process: each PATCH response carries the whole 900 KB, which would take most of the time.
      const asOwner = <T>(work: () => Promise<T>) => testApp.app.get(TenantScope).run(principalOf('history-storage', 'hana', []), work);
      for (let i = 0; i < 199; i++) {
        await asOwner(() =>
          testApp.app.get(DashboardsService).update(dashboard.id, { description: `twenty bytes ${String(i).padStart(6, '0')}` }, undefined),
        );
      }
      const last = await read(dashboard.id, owner);
      await api().patch(`/api/dashboards/${dashboard.id}`).set(owner).send({ description: 'the last one' }).expect(200);
      expect((await historyBytes()) - before).toBeLessThan(1024 * 1024);

      // All fifteen widgets share one list and their fifteen contents; retention kept 100 versions.
      expect(await historyRows(dashboard.id)).toEqual({
        dashboard_versions: 100,
        dashboard_widget_lists: 1,
        dashboard_widget_contents: 15,
      });
      const kept = await api().get(`/api/dashboards/${dashboard.id}/versions/${last.version}`).set(owner).expect(200);
      expect(kept.body.dashboard).toEqual(last);
    }, 120_000);
  });

  describe('reads and restores', () => {
    const owner = bearer(tokenFor({ tenant: 'history-reads', sub: 'rosa' }));

    it('returns a version exactly as the dashboard read then, and restores its widgets', async () => {
      const dashboard = await createDashboard(testApp, owner, { filters: [{ id: 'f', type: 'select', label: 'Region', field: 'region' }] });
      const chart = await createWidget(testApp, owner, dashboard.id, { config: { colors: ['#f00'] } });
      const notes = await createWidget(testApp, owner, dashboard.id, {
        type: 'text',
        query: null,
        title: 'Notes',
        position: { x: 6, y: 0, w: 6, h: 4 },
        config: { markdown: '# Hi' },
      });
      const before = await read(dashboard.id, owner);

      await api()
        .patch(`/api/widgets/${chart.id}`)
        .set(owner)
        .send({ config: { colors: ['#0f0'] }, title: 'Changed' })
        .expect(200);
      await api()
        .patch(`/api/dashboards/${dashboard.id}/layout`)
        .set(owner)
        .send([{ widgetId: notes.id, position: { x: 0, y: 9, w: 3, h: 3 } }])
        .expect(200);
      await api().delete(`/api/widgets/${notes.id}`).set(owner).expect(204);

      const kept = await api().get(`/api/dashboards/${dashboard.id}/versions/${before.version}`).set(owner).expect(200);
      expect(kept.body.dashboard).toEqual(before);
      const restored = await api().post(`/api/dashboards/${dashboard.id}/versions/${before.version}/restore`).set(owner).expect(200);
      const withoutTimes = (body: DashboardBody) => body.widgets.map(({ updatedAt: _updatedAt, ...widget }) => widget);
      expect(withoutTimes(restored.body)).toEqual(withoutTimes(before));
    });

    it('refuses (400, naming the widget) to restore a query the schema configuration no longer allows, and restores nothing', async () => {
      const tenant = 'history-schema';
      const admin = bearer(tokenFor({ tenant, sub: 'ada', roles: ['admin'] }));
      const orders = { name: 'orders', columns: [{ name: 'region' }, { name: 'amount' }, { name: 'status' }] };
      await api()
        .put('/api/schema-config')
        .set(admin)
        .send({ tables: [orders] })
        .expect(200);
      const dashboard = await createDashboard(testApp, admin);
      const chart = await createWidget(testApp, admin, dashboard.id, { title: 'Revenue' });
      await createWidget(testApp, admin, dashboard.id, { type: 'text', query: null, title: 'Notes', position: { x: 6, y: 0, w: 6, h: 4 } });
      await api().delete(`/api/widgets/${chart.id}`).set(admin).expect(204);
      await api()
        .put('/api/schema-config')
        .set(admin)
        .send({ tables: [{ name: 'customers', columns: [{ name: 'id' }] }] })
        .expect(200);
      const current = await read(dashboard.id, admin);

      const refused = await api().post(`/api/dashboards/${dashboard.id}/versions/3/restore`).set(admin).expect(400);
      expect(refused.body.detail).toContain(`"Revenue" (${chart.id})`);
      expect(refused.body.widgetIds).toEqual([chart.id]);
      expect(refused.body.errors.map((error: { field: string }) => error.field)).toContain('widgets.0.query.tables.0.table');
      expect(await read(dashboard.id, admin)).toEqual(current);
      expect(await versionsOf(dashboard.id, admin)).toEqual([3, 2, 1]);

      // A version whose queries still pass restores (here: the one before the chart was added).
      await api().post(`/api/dashboards/${dashboard.id}/versions/1/restore`).set(admin).expect(200);
      await api()
        .put('/api/schema-config')
        .set(admin)
        .send({ tables: [orders] })
        .expect(200);
      await api().post(`/api/dashboards/${dashboard.id}/versions/3/restore`).set(admin).expect(200);
    });
  });

  describe('visibility of past versions', () => {
    const tenant = 'history-visibility';
    const owner = bearer(tokenFor({ tenant, sub: 'olga' }));
    const stranger = bearer(tokenFor({ tenant, sub: 'sam' }));
    const vera = bearer(tokenFor({ tenant, sub: 'vera' }));
    const admin = bearer(tokenFor({ tenant, sub: 'ada', roles: ['admin'] }));
    let dashboard: DashboardBody;

    beforeAll(async () => {
      dashboard = await createDashboard(testApp, owner, { name: 'Draft' });
      await createWidget(testApp, owner, dashboard.id, { title: 'Secret numbers' });
      await api().patch(`/api/dashboards/${dashboard.id}`).set(owner).send({ isPublic: true }).expect(200);
      await api().patch(`/api/dashboards/${dashboard.id}`).set(owner).send({ description: 'now public' }).expect(200);
    });

    it('hides the versions saved while a viewer could not see the dashboard: 404 and not listed', async () => {
      expect(await versionsOf(dashboard.id, stranger)).toEqual([3]);
      await api().get(`/api/dashboards/${dashboard.id}/versions/1`).set(stranger).expect(404);
      await api().get(`/api/dashboards/${dashboard.id}/versions/2`).set(stranger).expect(404);
      await api().get(`/api/dashboards/${dashboard.id}/versions/3`).set(stranger).expect(200);
      const paged = await api().get(`/api/dashboards/${dashboard.id}/versions?limit=1`).set(stranger).expect(200);
      expect(paged.body).toMatchObject({ items: [{ version: 3 }], nextCursor: null });
    });

    it('shows the owner and admins every version', async () => {
      expect(await versionsOf(dashboard.id, owner)).toEqual([3, 2, 1]);
      expect(await versionsOf(dashboard.id, admin)).toEqual([3, 2, 1]);
      await api().get(`/api/dashboards/${dashboard.id}/versions/2`).set(admin).expect(200);
    });

    it('shows a viewer named later only the versions saved while they could see it', async () => {
      await api()
        .patch(`/api/dashboards/${dashboard.id}`)
        .set(owner)
        .send({ isPublic: false, allowedViewers: ['vera'] })
        .expect(200);
      await api().patch(`/api/dashboards/${dashboard.id}`).set(owner).send({ description: 'vera only' }).expect(200);
      expect(await versionsOf(dashboard.id, vera)).toEqual([5, 4, 3]);
      await api().get(`/api/dashboards/${dashboard.id}/versions/2`).set(vera).expect(404);
      await api().get(`/api/dashboards/${dashboard.id}/versions`).set(stranger).expect(404);
    });
  });

  describe('retention', () => {
    const owner = bearer(tokenFor({ tenant: 'history-retention', sub: 'rita' }));

    it('keeps the newest 100 versions and removes the lists and contents only older ones used', async () => {
      const dashboard = await createDashboard(testApp, owner);
      const widget = await createWidget(testApp, owner, dashboard.id);
      for (let i = 0; i < 105; i++) {
        await api()
          .patch(`/api/widgets/${widget.id}`)
          .set(owner)
          .send({ config: { step: i } })
          .expect(200);
      }
      // Versions 1–106 were replaced; 7–106 are kept, each with its own widget list and content.
      const versions = await versionsOf(dashboard.id, owner);
      expect([versions.length, versions[0], versions.at(-1)]).toEqual([100, 106, 7]);
      await api().get(`/api/dashboards/${dashboard.id}/versions/6`).set(owner).expect(404);
      expect(
        (await api().get(`/api/dashboards/${dashboard.id}/versions/7`).set(owner).expect(200)).body.dashboard.widgets[0].config,
      ).toEqual({ step: 4 });
      expect(await historyRows(dashboard.id)).toEqual({
        dashboard_versions: 100,
        dashboard_widget_lists: 100,
        dashboard_widget_contents: 100,
      });
      expect(await strays(dashboard.id)).toEqual({ unused_lists: 0, unused_contents: 0, missing_contents: 0 });
    }, 60_000);

    /** Moves the dashboard's kept versions into the past, as a superuser. */
    const replacedDaysAgo = (dashboardId: string, days: number) =>
      asAdmin('update dashboard_versions set replaced_at = now() - make_interval(days => $2) where dashboard_id = $1', [dashboardId, days]);

    it('removes versions replaced more than a year ago at the next change', async () => {
      const dashboard = await createDashboard(testApp, owner);
      const widget = await createWidget(testApp, owner, dashboard.id);
      await api()
        .patch(`/api/widgets/${widget.id}`)
        .set(owner)
        .send({ config: { old: true } })
        .expect(200);
      await replacedDaysAgo(dashboard.id, 366);
      await api().patch(`/api/dashboards/${dashboard.id}`).set(owner).send({ description: 'fresh' }).expect(200);
      expect(await versionsOf(dashboard.id, owner)).toEqual([3]);
      expect(await historyRows(dashboard.id)).toEqual({ dashboard_versions: 1, dashboard_widget_lists: 1, dashboard_widget_contents: 1 });
    });

    it('removes them from dashboards nobody changes in the hourly job, for every tenant, audited as the job', async () => {
      const other = bearer(tokenFor({ tenant: 'history-retention-other', sub: 'otto' }));
      const idle = await createDashboard(testApp, owner);
      await createWidget(testApp, owner, idle.id);
      await api().patch(`/api/dashboards/${idle.id}`).set(owner).send({ description: 'two' }).expect(200);
      const theirs = await createDashboard(testApp, other);
      await api().patch(`/api/dashboards/${theirs.id}`).set(other).send({ description: 'two' }).expect(200);
      const recent = await createDashboard(testApp, owner);
      await api().patch(`/api/dashboards/${recent.id}`).set(owner).send({ description: 'two' }).expect(200);
      await replacedDaysAgo(idle.id, 400);
      await replacedDaysAgo(theirs.id, 400);

      expect(await testApp.app.get(DashboardHistoryRetentionJob).run()).toBe(3);
      for (const id of [idle.id, theirs.id]) {
        expect(await historyRows(id)).toEqual({ dashboard_versions: 0, dashboard_widget_lists: 0, dashboard_widget_contents: 0 });
      }
      expect(await versionsOf(recent.id, owner)).toEqual([1]);
      expect((await read(idle.id, owner)).widgets).toHaveLength(1);
      const admin = bearer(tokenFor({ tenant: 'history-retention', sub: 'ada', roles: ['admin'] }));
      const job = { actorId: 'service:dashboard-history-retention' };
      const deletions = async (resourceType: string) =>
        (
          await api()
            .get('/api/audit-logs')
            .query({ ...job, action: `${resourceType}.delete` })
            .set(admin)
            .expect(200)
        ).body.items.length;
      expect([await deletions('dashboard_widget_list'), await deletions('dashboard_widget_content')]).toEqual([2, 1]);
    });
  });

  it('keeps another tenant’s history out of reach: its versions are 404 even to admins', async () => {
    const owner = bearer(tokenFor({ tenant: 'history-a', sub: 'amy' }));
    const otherAdmin = bearer(tokenFor({ tenant: 'history-b', sub: 'bob', roles: ['admin'] }));
    const dashboard = await createDashboard(testApp, owner, { isPublic: true });
    await createWidget(testApp, owner, dashboard.id, { query: SALES_QUERY });
    for (const path of ['versions', 'versions/1']) {
      await api().get(`/api/dashboards/${dashboard.id}/${path}`).set(otherAdmin).expect(404);
    }
    await api().post(`/api/dashboards/${dashboard.id}/versions/1/restore`).set(otherAdmin).expect(404);
  });
});

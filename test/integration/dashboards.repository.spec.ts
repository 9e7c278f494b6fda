import { type CountOf, DashboardRepository } from '../../src/modules/dashboards/dashboard.repository.js';
import { type ContentsShape, DashboardHistoryRepository } from '../../src/modules/dashboards/dashboard-history.repository.js';
import { DashboardUserConfigRepository } from '../../src/modules/dashboards/dashboard-user-config.repository.js';
import { DashboardWidgets, LARGE_WIDGET_MEMBERS } from '../../src/modules/widgets/dashboard-widgets.service.js';
import { WidgetRepository } from '../../src/modules/widgets/widget.repository.js';
import type { Principal } from '../../src/platform/auth/principal.js';
import { Role } from '../../src/platform/auth/principal.js';
import { newPrincipal, startTestContext, type TestContext } from '../support/test-context.js';
import { withAdminClient } from '../support/test-database.js';

const DAY = 86_400_000;
const textWidget = (dashboardId: string, title: string, y = 0) => ({
  dashboardId,
  type: 'text' as const,
  title,
  query: null,
  savedQueryId: null,
  config: { body: title },
  x: 0,
  y,
  w: 6,
  h: 4,
});

describe('dashboard repositories (cloned database, no HTTP)', () => {
  let t: TestContext;
  let dashboards: DashboardRepository;
  let history: DashboardHistoryRepository;
  let configs: DashboardUserConfigRepository;
  let widgets: WidgetRepository;
  let shape: ContentsShape;
  let countOf: CountOf;

  beforeAll(async () => {
    t = await startTestContext();
    dashboards = t.get(DashboardRepository);
    history = t.get(DashboardHistoryRepository);
    configs = t.get(DashboardUserConfigRepository);
    widgets = t.get(WidgetRepository);
    const contents = t.get(DashboardWidgets);
    shape = { contentsOf: (dashboard) => contents.contentsOf(dashboard), largeMembers: LARGE_WIDGET_MEMBERS };
    countOf = (dashboard) => contents.countOf(dashboard);
  });
  afterAll(() => t.close());

  const adminRows = <R>(text: string, values: unknown[] = []) =>
    withAdminClient(async (client) => (await client.query(text, values)).rows as R[], t.database.name);

  describe('lists', () => {
    const owner = newPrincipal();
    const as = (actorId: string, roles: string[] = []): Principal => ({ ...owner, actorId, roles });
    const other = newPrincipal([], 'another-tenant-lists');

    beforeAll(async () => {
      await t.inTenant(owner, async () => {
        await dashboards.add({ name: 'Private sales' });
        await dashboards.add({ name: 'Public board', isPublic: true });
        await dashboards.add({ name: 'Shared 100%_done', allowedViewers: [' bob ', 'null'] });
        const trashed = await dashboards.add({ name: 'Trashed' });
        trashed.deletedAt = new Date();
        trashed.deletedBy = owner.actorId;
        await dashboards.flush();
      });
      await t.inTenant(other, () => dashboards.add({ name: 'Other tenant sales', isPublic: true }));
    });

    const names = (principal: Principal, filters: object, limit = 50) =>
      t.inTenant(principal, async () => (await dashboards.page(filters, { limit }, countOf)).items.map((dashboard) => dashboard.name));

    it('shows live dashboards newest first, filtered by visibility, owner and name, never another tenant’s', async () => {
      expect(await names(owner, {})).toEqual(['Shared 100%_done', 'Public board', 'Private sales']);
      expect(await names(owner, { visibleTo: 'stranger' })).toEqual(['Public board']);
      expect(await names(owner, { visibleTo: ' bob ' })).toEqual(['Shared 100%_done', 'Public board']);
      expect(await names(owner, { visibleTo: 'bob' })).toEqual(['Public board']);
      expect(await names(owner, { visibleTo: 'null' })).toEqual(['Shared 100%_done', 'Public board']);
      expect(await names(owner, { visibleTo: owner.actorId })).toEqual(['Shared 100%_done', 'Public board', 'Private sales']);
      expect(await names(owner, { ownerId: 'nobody' })).toEqual([]);
      expect(await names(owner, { nameContains: 'SALES' })).toEqual(['Private sales']);
      expect(await names(owner, { nameContains: '%' })).toEqual(['Shared 100%_done']);
      expect(await names(owner, { nameContains: '_' })).toEqual(['Shared 100%_done']);
      expect(await names(as('stranger'), { visibleTo: 'stranger', nameContains: 'sales' })).toEqual([]);
    });

    it('pages by cursor without gaps or repeats, and ends with a null cursor', async () => {
      const first = await t.inTenant(owner, () => dashboards.page({}, { limit: 2 }, countOf));
      expect(first.items.map((dashboard) => dashboard.name)).toEqual(['Shared 100%_done', 'Public board']);
      const second = await t.inTenant(owner, () => dashboards.page({}, { limit: 2, cursor: first.nextCursor! }, countOf));
      expect(second).toMatchObject({ items: [{ name: 'Private sales' }], nextCursor: null });
      await expect(t.inTenant(owner, () => dashboards.page({}, { limit: 2, cursor: 'garbage' }, countOf))).rejects.toMatchObject({
        status: 400,
      });
    });

    it('returns the fields as the views need them', async () => {
      const [shared] = (await t.inTenant(owner, () => dashboards.page({ nameContains: 'Shared' }, { limit: 1 }, countOf))).items;
      expect(shared).toMatchObject({
        allowedViewers: [' bob ', 'null'],
        isPublic: false,
        ownerId: owner.actorId,
        version: 1,
        layout: { columns: 12 },
        filters: [],
        projectId: null,
        widgetCount: 0,
      });
      expect(new Date(shared.createdAt).getTime()).toBeGreaterThan(Date.now() - DAY);
    });

    it('lists the trash since a cutoff, of an owner when given, recently deleted first', async () => {
      const trash = (since: Date, ownerId?: string) =>
        t.inTenant(owner, async () => (await dashboards.trashPage(since, ownerId, { limit: 10 })).items.map((item) => item.name));
      expect(await trash(new Date(Date.now() - DAY))).toEqual(['Trashed']);
      expect(await trash(new Date(Date.now() - DAY), owner.actorId)).toEqual(['Trashed']);
      expect(await trash(new Date(Date.now() - DAY), 'someone else')).toEqual([]);
      expect(await trash(new Date(Date.now() + DAY))).toEqual([]);
      expect(await t.inTenant(other, async () => (await dashboards.trashPage(new Date(0), undefined, { limit: 10 })).items)).toEqual([]);
    });
  });

  describe('single read and trash', () => {
    const owner = newPrincipal();
    const other = newPrincipal([], 'another-tenant-read');

    it('reads a live dashboard with its widgets in position order, never another tenant’s or a trashed one', async () => {
      const id = await t.inTenant(owner, async () => {
        const dashboard = await dashboards.add({ name: 'With widgets' });
        await widgets.add(textWidget(dashboard.id, 'below', 4));
        await widgets.add(textWidget(dashboard.id, 'above', 0));
        return dashboard.id;
      });
      const read = await t.inTenant(owner, () => dashboards.withContents(id, shape.contentsOf));
      expect(read).toMatchObject({ name: 'With widgets', version: 1 });
      expect((read!.contents as { title: string }[]).map((widget) => widget.title)).toEqual(['above', 'below']);
      expect((read!.contents as { createdAt: string }[])[0].createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(await t.inTenant(other, () => dashboards.withContents(id, shape.contentsOf))).toBeUndefined();
      await t.inTenant(owner, async () => {
        const dashboard = (await dashboards.lockedLive(id))!;
        dashboard.deletedAt = new Date();
        await dashboards.flush();
      });
      expect(await t.inTenant(owner, () => dashboards.withContents(id, shape.contentsOf))).toBeUndefined();
      expect(await t.inTenant(owner, () => dashboards.trashedSince(id, new Date(Date.now() - DAY), false))).toMatchObject({ id });
      expect(await t.inTenant(other, () => dashboards.trashedSince(id, new Date(0), true))).toBeNull();
    });

    it('purges only the current tenant’s trash older than the cutoff', async () => {
      const old = new Date(Date.now() - 40 * DAY);
      const trashed = async (principal: Principal, name: string, deletedAt: Date) =>
        t.inTenant(principal, async () => {
          const dashboard = await dashboards.add({ name });
          dashboard.deletedAt = deletedAt;
          await dashboards.flush();
          return dashboard.id;
        });
      const expired = await trashed(owner, 'Expired', old);
      const recent = await trashed(owner, 'Recent', new Date());
      const othersExpired = await trashed(other, 'Expired', old);
      expect(await t.inTenant(owner, () => dashboards.purgeTrashedBefore(new Date(Date.now() - 30 * DAY)))).toBe(1);
      const left = await adminRows<{ id: string }>('select id from dashboards where id = any($1)', [[expired, recent, othersExpired]]);
      expect(left.map((row) => row.id).sort()).toEqual([recent, othersExpired].sort());
    });
  });

  describe('history', () => {
    const owner = newPrincipal();
    const viewer = { ...owner, actorId: 'viewer' };
    const admin = { ...owner, actorId: 'admin', roles: [Role.Admin] };
    const other = newPrincipal([], 'another-tenant-history');
    let id: string;

    /** Archives the current state as a version and bumps it, like a change does. */
    const change = (apply: (dashboardId: string) => Promise<void> = async () => undefined, at = new Date()) =>
      t.inTenant(owner, async () => {
        const dashboard = (await dashboards.lockedLive(id))!;
        await history.archive(id, at, shape);
        await apply(id);
        dashboard.version += 1;
        await dashboards.flush();
      });
    const stored = async () => ({
      lists: Number(
        (await adminRows<{ n: string }>('select count(*) as n from dashboard_widget_lists where dashboard_id = $1', [id]))[0].n,
      ),
      contents: Number(
        (await adminRows<{ n: string }>('select count(*) as n from dashboard_widget_contents where dashboard_id = $1', [id]))[0].n,
      ),
    });

    beforeAll(async () => {
      id = await t.inTenant(owner, async () => (await dashboards.add({ name: 'Versioned' })).id);
      await change(async (dashboardId) => void (await widgets.add(textWidget(dashboardId, 'first'))));
      await change(async (dashboardId) => void (await widgets.add(textWidget(dashboardId, 'second', 4))));
      await change();
    });

    it('keeps each version whole, and each distinct widget list and content once', async () => {
      const v3 = await t.inTenant(owner, () => history.kept(id, 3, { admin: false, actorId: owner.actorId }));
      expect(v3).toMatchObject({
        version: 3,
        savedBy: owner.actorId,
        replacedBy: owner.actorId,
        dashboard: { name: 'Versioned', version: 3 },
      });
      expect(v3!.savedAt).toBeInstanceOf(Date);
      expect((v3!.dashboard.widgets as { title: string; config: object }[]).map((widget) => [widget.title, widget.config])).toEqual([
        ['first', { body: 'first' }],
        ['second', { body: 'second' }],
      ]);
      expect((await t.inTenant(owner, () => history.kept(id, 1, { admin: true })))!.dashboard.widgets).toEqual([]);
      // v1: no widgets; v2: one; v3 and v4 share a list.
      expect(await stored()).toEqual({ lists: 3, contents: 2 });
    });

    it('shows a version only to whom could see it then, and never to another tenant', async () => {
      const versions = (principal: Principal, reader: Parameters<DashboardHistoryRepository['page']>[1], cursor?: string) =>
        t.inTenant(principal, () => history.page(id, reader, { limit: 2, cursor }));
      const first = await versions(owner, { admin: false, actorId: owner.actorId });
      expect(first.items.map((version) => version.version)).toEqual([3, 2]);
      expect(first.items[0].replacedAt).toBeInstanceOf(Date);
      expect(
        (await versions(owner, { admin: false, actorId: owner.actorId }, first.nextCursor!)).items.map((version) => version.version),
      ).toEqual([1]);
      expect((await versions(viewer, { admin: false, actorId: 'viewer' })).items).toEqual([]);
      expect((await versions(admin, { admin: true })).items).toHaveLength(2);
      expect((await versions(other, { admin: true })).items).toEqual([]);
      expect(await t.inTenant(viewer, () => history.kept(id, 2, { admin: false, actorId: 'viewer' }))).toBeUndefined();
      expect(await t.inTenant(other, () => history.kept(id, 2, { admin: true }))).toBeUndefined();
    });

    it('prunes by count and age, removing the lists and contents only pruned versions used', async () => {
      // Keep versions ≥ 3: version 1 (no widgets) and 2 (one widget) go, with their lists; contents stay in use.
      expect(await t.inTenant(owner, () => history.prune(id, 3, new Date(Date.now() - DAY)))).toBe(2);
      expect(await stored()).toEqual({ lists: 1, contents: 2 });
      // Another tenant's prune of the same id removes nothing.
      expect(await t.inTenant(other, () => history.prune(id, 100, new Date()))).toBe(0);
      // Replaced before the cutoff: gone whatever its number, and with it everything.
      expect(await t.inTenant(owner, () => history.prune(id, 0, new Date(Date.now() + DAY)))).toBe(1);
      expect(await stored()).toEqual({ lists: 0, contents: 0 });
    });

    it('locks the dashboards with versions replaced before a cutoff, up to a limit', async () => {
      await change(undefined, new Date(Date.now() - 10 * DAY));
      const locked = await t.inTenant(owner, () => history.lockWithVersionsBefore(new Date(Date.now() - DAY), 10));
      expect(locked).toEqual([{ id, version: 5 }]);
      expect(await t.inTenant(owner, () => history.lockWithVersionsBefore(new Date(Date.now() - DAY), 0))).toEqual([]);
      expect(await t.inTenant(other, () => history.lockWithVersionsBefore(new Date(Date.now() + DAY), 10))).toEqual([]);
    });
  });

  describe('per-user configs', () => {
    const owner = newPrincipal();
    const content = { chartCustomizations: { a: 1 }, theme: { name: 'dark', palette: ['#000'] }, layout: null, filters: ['x'] };

    it('adds a first config once per user, dashboard and session, and reads only the tenant’s', async () => {
      const id = await t.inTenant(owner, async () => (await dashboards.add({ name: 'Configured' })).id);
      const alice = { dashboardId: id, userId: 'alice', sessionId: '' };
      const first = await t.inTenant(owner, () => configs.addFirst(alice, content, 1));
      expect(first).toMatchObject({ ...content, version: 1, dashboardVersion: 1, userId: 'alice', sessionId: '' });
      expect(await t.inTenant(owner, () => configs.addFirst(alice, { ...content, theme: { name: 'light' } }, 1))).toBeUndefined();
      expect(await t.inTenant(owner, () => configs.of(alice, true))).toMatchObject({ theme: { name: 'dark', palette: ['#000'] } });
      expect(await t.inTenant(owner, () => configs.of({ ...alice, userId: 'bob' }, false))).toBeNull();
      expect(await t.inTenant(newPrincipal([], 'another-tenant-configs'), () => configs.of(alice, false))).toBeNull();

      const tablet = { ...alice, sessionId: 'tablet' };
      expect(await t.inTenant(owner, () => configs.of(tablet, false))).toBeNull();
      expect(await t.inTenant(owner, () => configs.addFirst(tablet, { ...content, theme: null }, 1))).toMatchObject({
        sessionId: 'tablet',
        theme: null,
      });
      expect(await t.inTenant(owner, () => configs.countHeldSessions(id, 'alice'))).toBe(1);
      await t.inTenant(owner, () =>
        configs.addFirst({ ...alice, sessionId: 'emptied' }, { chartCustomizations: {}, theme: null, layout: null, filters: [] }, 1),
      );
      expect(await t.inTenant(owner, () => configs.countHeldSessions(id, 'alice'))).toBe(1);
      expect(await t.inTenant(owner, () => configs.countHeldSessions(id, 'bob'))).toBe(0);
      expect(await t.inTenant(owner, () => configs.of(alice, false))).toMatchObject({ theme: { name: 'dark' } });
    });
  });
});

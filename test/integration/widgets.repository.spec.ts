import { DashboardRepository } from '../../src/modules/dashboards/dashboard.repository.js';
import { DashboardWidgets } from '../../src/modules/widgets/dashboard-widgets.service.js';
import { type NewWidget, WidgetRepository } from '../../src/modules/widgets/widget.repository.js';
import type { Principal } from '../../src/platform/auth/principal.js';
import { newPrincipal, startTestContext, type TestContext } from '../support/test-context.js';

describe('widget repository and API (cloned database, no HTTP)', () => {
  let t: TestContext;
  let widgets: WidgetRepository;
  let api: DashboardWidgets;
  let dashboards: DashboardRepository;
  const owner = newPrincipal();
  const other = newPrincipal([], 'another-tenant-widgets');
  const as = <T>(principal: Principal, work: () => Promise<T>) => t.inTenant(principal, work);
  const widget = (
    dashboardId: string,
    title: string,
    box = { x: 0, y: 0, w: 6, h: 4 },
    config: Record<string, unknown> = {},
  ): NewWidget => ({
    dashboardId,
    type: 'text',
    title,
    query: null,
    savedQueryId: null,
    config,
    ...box,
  });
  const newDashboard = (principal: Principal, name: string) => as(principal, async () => (await dashboards.add({ name })).id);
  const titles = (principal: Principal, dashboardId: string) =>
    as(principal, async () =>
      (
        (await dashboards.withContents(dashboardId, (dashboard) => api.contentsOf(dashboard)))?.contents as { title: string }[] | undefined
      )?.map((w) => w.title),
    );

  beforeAll(async () => {
    t = await startTestContext();
    widgets = t.get(WidgetRepository);
    api = t.get(DashboardWidgets);
    dashboards = t.get(DashboardRepository);
  });
  afterAll(() => t.close());

  it('adds, counts, measures and removes the widgets of one dashboard only', async () => {
    const board = await newDashboard(owner, 'Counted');
    const neighbour = await newDashboard(owner, 'Neighbour');
    const added = await as(owner, async () => {
      const first = await widgets.add(widget(board, 'a', { x: 0, y: 0, w: 3, h: 1 }, { text: 'x'.repeat(100) }));
      await widgets.add(widget(board, 'b', { x: 5, y: 2, w: 4, h: 1 }));
      await widgets.add(widget(neighbour, 'c', { x: 10, y: 0, w: 2, h: 1 }));
      return first;
    });
    expect(await as(owner, () => widgets.countOn(board))).toBe(2);
    expect(await as(owner, () => widgets.widestExtent(board))).toBe(9);
    const empty = await newDashboard(owner, 'Empty');
    expect(await as(owner, () => widgets.widestExtent(empty))).toBe(0);
    expect(await as(owner, () => widgets.contentBytes(board))).toBeGreaterThan(100);
    expect(await as(other, () => widgets.countOn(board))).toBe(0);
    expect(await as(other, () => widgets.byId(added.id))).toBeNull();
    expect(await as(other, () => widgets.remove(added.id))).toBe(false);
    expect(await as(owner, () => widgets.remove(added.id))).toBe(true);
    expect(await as(owner, () => widgets.remove(added.id))).toBe(false);
    expect(await titles(owner, board)).toEqual(['b']);
  });

  it('moves only widgets of the named dashboard and tenant, reporting which it found', async () => {
    const board = await newDashboard(owner, 'Moved');
    const [mine, elsewhere] = await as(owner, async () => [
      await widgets.add(widget(board, 'mine')),
      await widgets.add(widget(await dashboards.add({ name: 'Elsewhere' }).then((d) => d.id), 'elsewhere')),
    ]);
    const foreignBoard = await newDashboard(other, 'Foreign');
    const foreign = await as(other, () => widgets.add(widget(foreignBoard, 'foreign')));
    const at = new Date('2026-06-01T00:00:00Z');
    const moved = await as(owner, () =>
      widgets.move(
        board,
        [mine, elsewhere, foreign].map((w) => ({ widgetId: w.id, x: 1, y: 7, w: 2, h: 2 })),
        at,
      ),
    );
    expect(moved).toEqual([mine.id]);
    expect(await as(owner, () => widgets.byId(mine.id, true))).toMatchObject({ x: 1, y: 7, w: 2, h: 2, updatedAt: at });
    expect(await as(owner, () => widgets.byId(elsewhere.id, true))).toMatchObject({ x: 0, y: 0 });
    expect(await as(other, () => widgets.byId(foreign.id, true))).toMatchObject({ x: 0, y: 0 });
    expect(await as(owner, () => widgets.move(board, [], at))).toEqual([]);
  });

  it('replaces a dashboard’s widgets with a snapshot, keeping ids and creation times', async () => {
    const board = await newDashboard(owner, 'Restored');
    const kept = await as(owner, async () => {
      await widgets.add(widget(board, 'kept', { x: 0, y: 1, w: 2, h: 2 }));
      return (await dashboards.withContents(board, (dashboard) => api.contentsOf(dashboard)))!.contents;
    });
    await as(owner, () => widgets.add(widget(board, 'added later', { x: 0, y: 0, w: 2, h: 2 })));
    expect(await titles(owner, board)).toEqual(['added later', 'kept']);
    await as(owner, () => api.replaceWith(board, kept as Parameters<DashboardWidgets['replaceWith']>[1]));
    const restored = (await as(owner, () => dashboards.withContents(board, (dashboard) => api.contentsOf(dashboard))))!.contents as {
      id: string;
      createdAt: string;
      title: string;
    }[];
    expect(restored.map((w) => [w.id, w.createdAt, w.title])).toEqual((kept as typeof restored).map((w) => [w.id, w.createdAt, w.title]));
    await as(owner, () => widgets.replaceAll(board, []));
    expect(await titles(owner, board)).toEqual([]);
  });

  it('embeds nothing of another tenant: the contents expression correlates on the dashboard’s tenant', async () => {
    const board = await newDashboard(owner, 'Tenant-bound');
    await as(owner, () => widgets.add(widget(board, 'ours')));
    expect(await titles(owner, board)).toEqual(['ours']);
    expect(await titles(other, board)).toBeUndefined();
  });
});

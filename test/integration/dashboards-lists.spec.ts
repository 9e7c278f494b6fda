import { type CountOf, DashboardRepository } from '../../src/modules/dashboards/dashboard.repository.js';
import { DashboardWidgets } from '../../src/modules/widgets/dashboard-widgets.service.js';
import { WidgetRepository } from '../../src/modules/widgets/widget.repository.js';
import { newPrincipal, startTestContext, type TestContext } from '../support/test-context.js';

describe('dashboard lists and reads at the repository (cloned database, no HTTP)', () => {
  let t: TestContext;
  let dashboards: DashboardRepository;
  let widgets: WidgetRepository;
  let countOf: CountOf;
  let contentsOf: Parameters<DashboardRepository['withContents']>[1];
  const owner = newPrincipal();
  const other = newPrincipal([], 'another-tenant-dashboard-lists');
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestContext();
    dashboards = t.get(DashboardRepository);
    widgets = t.get(WidgetRepository);
    const service = t.get(DashboardWidgets);
    countOf = (dashboard) => service.countOf(dashboard);
    contentsOf = (dashboard) => service.contentsOf(dashboard);
    await t.inTenant(owner, async () => {
      for (const name of ['beta', 'Alpha', 'gamma', 'ALPHA two']) ids[name] = (await dashboards.add({ name, ownerId: owner.actorId })).id;
      for (const y of [0, 1, 2])
        await widgets.add({
          dashboardId: ids.gamma,
          type: 'text',
          title: `Note ${y}`,
          query: null,
          savedQueryId: null,
          config: {},
          x: 0,
          y,
          w: 1,
          h: 1,
        });
    });
    await t.inTenant(other, () => dashboards.add({ name: 'aaa other tenant' }));
  });
  afterAll(() => t.close());

  const page = (query: Parameters<DashboardRepository['page']>[1], filters = {}) =>
    t.inTenant(owner, () => dashboards.page(filters, query, countOf));

  it('orders by name case-insensitively, pages without gaps, and counts widgets in the same statement', async () => {
    const first = await page({ limit: 3, sort: 'name' });
    expect(first.items.map((item) => [item.name, item.widgetCount])).toEqual([
      ['Alpha', 0],
      ['ALPHA two', 0],
      ['beta', 0],
    ]);
    const rest = await page({ limit: 3, sort: 'name', cursor: first.nextCursor! });
    expect(rest).toMatchObject({ items: [{ name: 'gamma', widgetCount: 3 }], nextCursor: null });
  });

  it('orders by the last change, newest first', async () => {
    await t.inTenant(owner, async () => {
      const beta = (await dashboards.lockedLive(ids.beta))!;
      beta.updatedAt = new Date(Date.now() + 60_000);
      await dashboards.flush();
    });
    expect((await page({ limit: 50, sort: 'updated' })).items[0].name).toBe('beta');
  });

  it('counts what the list shows, of the tenant only', async () => {
    expect(await t.inTenant(owner, () => dashboards.countMatching({}))).toBe(4);
    expect(await t.inTenant(owner, () => dashboards.countMatching({ nameContains: 'alpha' }))).toBe(2);
    expect(await t.inTenant(owner, () => dashboards.countMatching({ visibleTo: 'stranger' }))).toBe(0);
    expect(await t.inTenant(owner, () => dashboards.countMatching({ projectId: '0190a5a0-0000-7000-8000-000000000001' }))).toBe(0);
    expect(await t.inTenant(other, () => dashboards.countMatching({}))).toBe(1);
  });

  it('skips the widgets of a read at a version the client has (If-None-Match), and reads them otherwise', async () => {
    const read = (noneMatch?: '*' | number[]) => t.inTenant(owner, () => dashboards.withContents(ids.gamma, contentsOf, noneMatch));
    expect((await read())?.contents).toHaveLength(3);
    expect((await read([2, 3]))?.contents).toHaveLength(3);
    expect(await read([1])).toMatchObject({ version: 1, contents: null });
    expect(await read('*')).toMatchObject({ version: 1, contents: null });
  });
});

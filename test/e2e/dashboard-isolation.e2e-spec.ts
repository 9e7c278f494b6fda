import request from 'supertest';
import { createDashboard, createWidget, SALES_QUERY } from '../support/dashboards.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

/** Another tenant's ids are a 404 on every dashboards, widgets and saved-queries route — for its admins too. */
describe('dashboards across tenants', () => {
  let testApp: TestApp;
  const ownerB = bearer(tokenFor({ tenant: 'tenant-b', sub: 'bea' }));
  const adminA = bearer(tokenFor({ tenant: 'tenant-a', sub: 'ann', roles: ['admin'] }));
  const api = () => request(testApp.server);
  const ids = { dashboard: '', trashed: '', widget: '', savedQuery: '', ownDashboard: '' };

  beforeAll(async () => {
    testApp = await startTestApp();
    const dashboard = await createDashboard(testApp, ownerB, { name: 'B board', isPublic: true });
    ids.dashboard = dashboard.id;
    ids.widget = (await createWidget(testApp, ownerB, dashboard.id)).id;
    await api().patch(`/api/dashboards/${dashboard.id}`).set(ownerB).send({ description: 'v2' }).expect(200);
    await api()
      .put(`/api/dashboards/${dashboard.id}/config`)
      .set(ownerB)
      .send({ theme: { name: 'dark' } })
      .expect(200);
    ids.trashed = (await createDashboard(testApp, ownerB, { name: 'B trash' })).id;
    await api().delete(`/api/dashboards/${ids.trashed}`).set(ownerB).expect(204);
    ids.savedQuery = (await api().post('/api/saved-queries').set(ownerB).send({ name: 'B query', query: SALES_QUERY }).expect(201)).body.id;
    await api()
      .put('/api/schema-config')
      .set(bearer(tokenFor({ tenant: 'tenant-b', sub: 'boss', roles: ['admin'] })))
      .send({ tables: [{ name: 'orders', columns: [] }] })
      .expect(200);
    ids.ownDashboard = (await createDashboard(testApp, adminA, { name: 'A board' })).id;
  });
  afterAll(() => testApp.close());

  const position = { x: 0, y: 0, w: 1, h: 1 };
  const routes: [string, string, () => string, (() => object) | undefined][] = [
    ['GET', 'dashboard', () => `/api/dashboards/${ids.dashboard}`, undefined],
    ['PATCH', 'dashboard', () => `/api/dashboards/${ids.dashboard}`, () => ({ name: 'taken over' })],
    ['DELETE', 'dashboard', () => `/api/dashboards/${ids.dashboard}`, undefined],
    ['DELETE', 'dashboard for good', () => `/api/dashboards/${ids.dashboard}?permanent=true`, undefined],
    ['DELETE', 'trashed dashboard for good', () => `/api/dashboards/${ids.trashed}?permanent=true`, undefined],
    ['POST', 'trashed dashboard restore', () => `/api/dashboards/${ids.trashed}/restore`, undefined],
    ['GET', 'versions', () => `/api/dashboards/${ids.dashboard}/versions`, undefined],
    ['GET', 'version', () => `/api/dashboards/${ids.dashboard}/versions/1`, undefined],
    ['POST', 'version restore', () => `/api/dashboards/${ids.dashboard}/versions/1/restore`, undefined],
    ['GET', 'config', () => `/api/dashboards/${ids.dashboard}/config`, undefined],
    ['PUT', 'config', () => `/api/dashboards/${ids.dashboard}/config`, () => ({ theme: { name: 'light' } })],
    ['POST', 'widget create', () => `/api/dashboards/${ids.dashboard}/widgets`, () => ({ type: 'text', title: 't', position })],
    ['PATCH', 'layout of their dashboard', () => `/api/dashboards/${ids.dashboard}/layout`, () => [{ widgetId: ids.widget, position }]],
    ['PATCH', 'layout naming their widget', () => `/api/dashboards/${ids.ownDashboard}/layout`, () => [{ widgetId: ids.widget, position }]],
    ['GET', 'widget', () => `/api/widgets/${ids.widget}`, undefined],
    ['PATCH', 'widget', () => `/api/widgets/${ids.widget}`, () => ({ title: 'taken over' })],
    ['DELETE', 'widget', () => `/api/widgets/${ids.widget}`, undefined],
    ['GET', 'saved query', () => `/api/saved-queries/${ids.savedQuery}`, undefined],
    ['PATCH', 'saved query', () => `/api/saved-queries/${ids.savedQuery}`, () => ({ name: 'taken over' })],
    ['DELETE', 'saved query', () => `/api/saved-queries/${ids.savedQuery}`, undefined],
  ];

  it.each(routes)('%s of another tenant’s %s is a 404', async (method, _what, path, body) => {
    const call = api()[method.toLowerCase() as 'get'](path()).set(adminA);
    await (body ? call.send(body()) : call).expect(404);
  });

  it('lists none of another tenant’s dashboards, trash or saved queries, and not its schema config', async () => {
    expect((await api().get('/api/dashboards').set(adminA).expect(200)).body.items.map((item: { name: string }) => item.name)).toEqual([
      'A board',
    ]);
    expect((await api().get('/api/dashboards/trash').set(adminA).expect(200)).body.items).toEqual([]);
    expect((await api().get('/api/saved-queries').set(adminA).expect(200)).body.items).toEqual([]);
    expect((await api().get('/api/schema-config').set(adminA).expect(200)).body).toMatchObject({ tables: [], version: 0 });
  });

  it('left everything of the other tenant as it was', async () => {
    const read = await api().get(`/api/dashboards/${ids.dashboard}`).set(ownerB).expect(200);
    expect(read.body).toMatchObject({
      name: 'B board',
      version: 3,
      widgets: [{ id: ids.widget, title: 'Sales by region', position: { x: 0, y: 0, w: 6, h: 4 } }],
    });
    expect((await api().get(`/api/dashboards/${ids.dashboard}/config`).set(ownerB)).body).toMatchObject({
      theme: { name: 'dark' },
      version: 1,
    });
    expect((await api().get('/api/dashboards/trash').set(ownerB)).body.items).toHaveLength(1);
    expect((await api().get(`/api/saved-queries/${ids.savedQuery}`).set(ownerB)).body.name).toBe('B query');
  });
});

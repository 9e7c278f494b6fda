import request from 'supertest';
import { createDashboard, createWidget, SALES_QUERY } from '../support/dashboards.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

/**
 * Whatever the body, the dashboards, widgets and queries routes answer with a 4xx problem, never a
 * 5xx. (A JSON null body reads as an empty object, like everywhere in the API: a PATCH changing
 * nothing, or a PUT of the empty config.)
 */
describe('dashboards input robustness', () => {
  let testApp: TestApp;
  const admin = bearer(tokenFor({ tenant: 'junk', sub: 'ada', roles: ['admin'] }));
  const api = () => request(testApp.server);
  const targets: [string, () => string][] = [];

  beforeAll(async () => {
    testApp = await startTestApp({ RATE_LIMIT_PER_MINUTE: '100000' });
    const dashboard = await createDashboard(testApp, admin);
    const widget = await createWidget(testApp, admin, dashboard.id);
    const savedQuery = (await api().post('/api/saved-queries').set(admin).send({ name: 'q', query: SALES_QUERY }).expect(201)).body;
    targets.push(
      ['post', () => '/api/dashboards'],
      ['patch', () => `/api/dashboards/${dashboard.id}`],
      ['put', () => `/api/dashboards/${dashboard.id}/config`],
      ['post', () => `/api/dashboards/${dashboard.id}/widgets`],
      ['patch', () => `/api/dashboards/${dashboard.id}/layout`],
      ['patch', () => `/api/widgets/${widget.id}`],
      ['post', () => '/api/saved-queries'],
      ['patch', () => `/api/saved-queries/${savedQuery.id}`],
      ['put', () => '/api/schema-config'],
    );
  });
  afterAll(() => testApp.close());

  const junk: unknown[] = [
    null,
    [],
    'text',
    42,
    { name: {}, layout: [], filters: 'x', position: null, query: [], config: 'x', tables: {} },
    { name: 'x'.repeat(300), description: 1, isPublic: 'no', allowedViewers: [null], version: 1e300 },
    { name: 'n', layout: { columns: 1e308, rowHeight: -1, margin: [1e400, 'x'] }, filters: [null, 1, []] },
    {
      type: 'bar_chart',
      title: 't',
      position: { x: 1e20, y: -1e20, w: 2 ** 53 + 1, h: NaN },
      query: { tables: [{ table: null }], columns: [{}], limit: 2 ** 40 },
    },
    {
      type: 'table',
      title: 't',
      position: { x: 0, y: 0, w: 1, h: 1 },
      query: { ...SALES_QUERY, filters: [{ table: 'o', column: 'a', operator: 'in', value: [{}] }] },
    },
    [{ widgetId: 'x', position: 1 }, { widgetId: null }],
    [{ widgetId: '0190A5A0-0000-7000-8000-000000000000', position: { x: 0, y: 0, w: 1, h: 1 } }],
    { chartCustomizations: { a: 1e400 }, theme: ['dark'], layout: [], filters: [1e400] },
    { tables: [{ name: 'a', columns: [{ name: '1bad' }] }], version: -1 },
    { name: 'ok', query: SALES_QUERY, description: { nested: true } },
    { name: 'ok\u0000nul' },
  ];

  it('never answers a 5xx', async () => {
    const failures: string[] = [];
    for (const [method, path] of targets) {
      for (const body of junk) {
        const response = await api()
          [method as 'post'](path())
          .set(admin)
          .set('content-type', 'application/json')
          .send(JSON.stringify(body));
        const accepted = body === null && response.status === 200 && method !== 'post';
        if (!accepted && (response.status >= 500 || response.status < 400))
          failures.push(`${method} ${path()} ${JSON.stringify(body).slice(0, 60)} → ${response.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it.each([
    ['put', 'config', '{"chartCustomizations":{"a":1e400}}'],
    ['patch', 'dashboard', '{"filters":[{"id":"f","type":"number_range","label":"l","field":"x","defaultValue":12345678901234567890}]}'],
    ['post', 'widgets', '{"type":"text","title":"t","position":{"x":0,"y":0,"w":1,"h":1},"config":{"big":1e400}}'],
  ])('refuses numbers JSON cannot carry exactly (raw %s of %s) with 400', async (method, target, body) => {
    const dashboard = await createDashboard(testApp, admin);
    const path = {
      config: `/api/dashboards/${dashboard.id}/config`,
      dashboard: `/api/dashboards/${dashboard.id}`,
      widgets: `/api/dashboards/${dashboard.id}/widgets`,
    }[target]!;
    const response = await api()[method as 'post'](path).set(admin).set('content-type', 'application/json').send(body).expect(400);
    expect(response.body.detail).toMatch(/number JSON cannot carry exactly|numbers must be finite and within ±2\^53/);
  });

  it('treats a PATCH naming no field as no change: no new version', async () => {
    const dashboard = await createDashboard(testApp, admin);
    const widget = await createWidget(testApp, admin, dashboard.id);
    expect((await api().patch(`/api/dashboards/${dashboard.id}`).set(admin).send({}).expect(200)).body.version).toBe(2);
    expect((await api().patch(`/api/widgets/${widget.id}`).set(admin).send({ version: 2 }).expect(200)).body.dashboardVersion).toBe(2);
    await api().patch(`/api/dashboards/${dashboard.id}`).set(admin).send({ version: 1 }).expect(412);
    await api().patch(`/api/widgets/${widget.id}`).set(admin).set('If-Match', '"1"').send({}).expect(412);
    await api()
      .patch(`/api/dashboards/${dashboard.id}`)
      .set(bearer(tokenFor({ tenant: 'junk', sub: 'nobody' })))
      .send({})
      .expect(404);
  });
});

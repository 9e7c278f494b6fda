import request from 'supertest';
import { createDashboard, errorFields } from '../support/dashboards.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

describe('per-user dashboard configs', () => {
  let testApp: TestApp;
  const owner = bearer(tokenFor({ tenant: 'configs', sub: 'olga' }));
  const viewer = bearer(tokenFor({ tenant: 'configs', sub: 'viktor' }));
  const stranger = bearer(tokenFor({ tenant: 'configs', sub: 'sam' }));
  const api = () => request(testApp.server);
  let dashboardId: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    dashboardId = (await createDashboard(testApp, owner, { allowedViewers: ['viktor'] })).id;
  });
  afterAll(() => testApp.close());

  const config = {
    chartCustomizations: { '0190a5a0-0000-7000-8000-000000000001': { color: 'teal', legend: false } },
    theme: 'dark',
    layout: { collapsed: ['row-2'] },
    filters: [{ id: 'when', value: { last: '30d' } }],
  };

  it('is an empty config at version 0 before the first PUT, not an error', async () => {
    const empty = await api().get(`/api/dashboards/${dashboardId}/config`).set(viewer).expect(200);
    expect(empty.headers.etag).toBe('"0"');
    expect(empty.body).toEqual({ dashboardId, chartCustomizations: {}, theme: null, layout: null, filters: [], version: 0, dashboardVersion: null, updatedAt: null });
  });

  it('stores each user’s own config, the same from a second device, with the dashboard version it was saved against', async () => {
    const saved = await api().put(`/api/dashboards/${dashboardId}/config`).set(viewer).send(config).expect(200);
    expect(saved.headers.etag).toBe('"1"');
    expect(saved.body).toMatchObject({ ...config, version: 1, dashboardVersion: 1 });

    const secondDevice = bearer(tokenFor({ tenant: 'configs', sub: 'viktor' }, { expiresIn: '10m' }));
    expect((await api().get(`/api/dashboards/${dashboardId}/config`).set(secondDevice).expect(200)).body).toEqual(saved.body);
    expect((await api().get(`/api/dashboards/${dashboardId}/config`).set(owner).expect(200)).body).toMatchObject({ version: 0, theme: null });

    await api().put(`/api/dashboards/${dashboardId}/config`).set(owner).send({ theme: 'light' }).expect(200);
    await api().patch(`/api/dashboards/${dashboardId}`).set(owner).send({ description: 'v2' }).expect(200);
    const again = await api().put(`/api/dashboards/${dashboardId}/config`).set(secondDevice).set('If-Match', '"1"').send({ ...config, theme: 'contrast' }).expect(200);
    expect(again.body).toMatchObject({ theme: 'contrast', version: 2, dashboardVersion: 2 });
    expect((await api().get(`/api/dashboards/${dashboardId}/config`).set(owner)).body).toMatchObject({ theme: 'light', version: 1, dashboardVersion: 1 });
    expect((await api().get(`/api/dashboards/${dashboardId}`).set(owner)).body.version).toBe(2);
  });

  it('refuses a stale config version with 412 and keeps the config', async () => {
    const device = bearer(tokenFor({ tenant: 'configs', sub: 'viktor' }));
    const current = (await api().get(`/api/dashboards/${dashboardId}/config`).set(device)).body;
    await api().put(`/api/dashboards/${dashboardId}/config`).set(device).set('If-Match', `"${current.version - 1}"`).send({ theme: 'stale' }).expect(412);
    await api().put(`/api/dashboards/${dashboardId}/config`).set(device).send({ theme: 'stale', version: 0 }).expect(412);
    expect((await api().get(`/api/dashboards/${dashboardId}/config`).set(device)).body).toEqual(current);
    const responses = await Promise.all(['a', 'b'].map((theme) => api().put(`/api/dashboards/${dashboardId}/config`).set(device).set('If-Match', `"${current.version}"`).send({ theme })));
    expect(responses.map((response) => response.status).sort()).toEqual([200, 412]);
  });

  it('saves both of two first configs sent at once without a precondition (the last one wins), and refuses the second "only if none" one', async () => {
    const fresh = bearer(tokenFor({ tenant: 'configs', sub: 'wanda', roles: ['admin'] }));
    const unconditional = await Promise.all(['x', 'y'].map((theme) => api().put(`/api/dashboards/${dashboardId}/config`).set(fresh).send({ theme })));
    expect(unconditional.map((response) => response.status)).toEqual([200, 200]);
    expect(unconditional.map((response) => response.body.version).sort()).toEqual([1, 2]);
    const later = bearer(tokenFor({ tenant: 'configs', sub: 'xena', roles: ['admin'] }));
    const onlyIfNone = await Promise.all(['x', 'y'].map((theme) => api().put(`/api/dashboards/${dashboardId}/config`).set(later).set('If-Match', '"0"').send({ theme })));
    expect(onlyIfNone.map((response) => response.status).sort()).toEqual([200, 412]);
  });

  it('is a 404 for a dashboard the user cannot see', async () => {
    await api().get(`/api/dashboards/${dashboardId}/config`).set(stranger).expect(404);
    await api().put(`/api/dashboards/${dashboardId}/config`).set(stranger).send(config).expect(404);
  });

  it.each([
    ['chartCustomizations as an array', { chartCustomizations: [] }, 'chartCustomizations'],
    ['a numeric theme', { theme: 3 }, 'theme'],
    ['a string layout', { layout: 'grid' }, 'layout'],
    ['filters as an object', { filters: {} }, 'filters'],
    ['an unknown key', { userId: 'olga' }, 'userId'],
    ['a negative version', { version: -1 }, 'version'],
  ])('refuses %s with 400', async (_case, body, field) => {
    const response = await api().put(`/api/dashboards/${dashboardId}/config`).set(viewer).send(body).expect(400);
    expect(errorFields(response.body)).toContain(field);
  });

  it('refuses a config over 256 KiB with 413', async () => {
    const response = await api().put(`/api/dashboards/${dashboardId}/config`).set(viewer).send({ chartCustomizations: { big: 'x'.repeat(300_000) } }).expect(413);
    expect(response.body.detail).toMatch(/config is \d+ bytes of JSON; at most 262144 bytes/);
  });
});

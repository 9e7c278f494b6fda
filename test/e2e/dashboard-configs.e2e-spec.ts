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
    theme: { name: 'dark', palette: ['#0b0c0c', '#f3f2f1'], chart: { gridLines: false } },
    layout: { collapsed: ['row-2'] },
    filters: [{ id: 'when', value: { last: '30d' } }],
  };

  it('is an empty config at version 0 before the first PUT, not an error', async () => {
    const empty = await api().get(`/api/dashboards/${dashboardId}/config`).set(viewer).expect(200);
    expect(empty.headers.etag).toBe('"0"');
    expect(empty.body).toEqual({
      dashboardId,
      sessionId: null,
      chartCustomizations: {},
      theme: null,
      layout: null,
      filters: [],
      version: 0,
      dashboardVersion: null,
      updatedAt: null,
    });
  });

  it('stores each user’s own config, the same from a second device, with the dashboard version it was saved against', async () => {
    const saved = await api().put(`/api/dashboards/${dashboardId}/config`).set(viewer).send(config).expect(200);
    expect(saved.headers.etag).toBe('"1"');
    expect(saved.body).toMatchObject({ ...config, version: 1, dashboardVersion: 1 });

    const secondDevice = bearer(tokenFor({ tenant: 'configs', sub: 'viktor' }, { expiresIn: '10m' }));
    expect((await api().get(`/api/dashboards/${dashboardId}/config`).set(secondDevice).expect(200)).body).toEqual(saved.body);
    expect((await api().get(`/api/dashboards/${dashboardId}/config`).set(owner).expect(200)).body).toMatchObject({
      version: 0,
      theme: null,
    });

    await api()
      .put(`/api/dashboards/${dashboardId}/config`)
      .set(owner)
      .send({ theme: { name: 'light' } })
      .expect(200);
    await api().patch(`/api/dashboards/${dashboardId}`).set(owner).send({ description: 'v2' }).expect(200);
    const again = await api()
      .put(`/api/dashboards/${dashboardId}/config`)
      .set(secondDevice)
      .set('If-Match', '"1"')
      .send({ ...config, theme: { name: 'contrast' } })
      .expect(200);
    expect(again.body).toMatchObject({ theme: { name: 'contrast' }, version: 2, dashboardVersion: 2 });
    expect((await api().get(`/api/dashboards/${dashboardId}/config`).set(owner)).body).toMatchObject({
      theme: { name: 'light' },
      version: 1,
      dashboardVersion: 1,
    });
    expect((await api().get(`/api/dashboards/${dashboardId}`).set(owner)).body.version).toBe(2);
  });

  it('refuses a stale config version with 412 and keeps the config', async () => {
    const device = bearer(tokenFor({ tenant: 'configs', sub: 'viktor' }));
    const current = (await api().get(`/api/dashboards/${dashboardId}/config`).set(device)).body;
    await api()
      .put(`/api/dashboards/${dashboardId}/config`)
      .set(device)
      .set('If-Match', `"${current.version - 1}"`)
      .send({ theme: { name: 'stale' } })
      .expect(412);
    await api()
      .put(`/api/dashboards/${dashboardId}/config`)
      .set(device)
      .send({ theme: { name: 'stale' }, version: 0 })
      .expect(412);
    expect((await api().get(`/api/dashboards/${dashboardId}/config`).set(device)).body).toEqual(current);
    const responses = await Promise.all(
      ['a', 'b'].map((theme) =>
        api()
          .put(`/api/dashboards/${dashboardId}/config`)
          .set(device)
          .set('If-Match', `"${current.version}"`)
          .send({ theme: { name: theme } }),
      ),
    );
    expect(responses.map((response) => response.status).sort()).toEqual([200, 412]);
  });

  it('saves both of two first configs sent at once without a precondition (the last one wins), and refuses the second "only if none" one', async () => {
    const fresh = bearer(tokenFor({ tenant: 'configs', sub: 'wanda', roles: ['admin'] }));
    const unconditional = await Promise.all(
      ['x', 'y'].map((theme) =>
        api()
          .put(`/api/dashboards/${dashboardId}/config`)
          .set(fresh)
          .send({ theme: { name: theme } }),
      ),
    );
    expect(unconditional.map((response) => response.status)).toEqual([200, 200]);
    expect(unconditional.map((response) => response.body.version).sort()).toEqual([1, 2]);
    const later = bearer(tokenFor({ tenant: 'configs', sub: 'xena', roles: ['admin'] }));
    const onlyIfNone = await Promise.all(
      ['x', 'y'].map((theme) =>
        api()
          .put(`/api/dashboards/${dashboardId}/config`)
          .set(later)
          .set('If-Match', '"0"')
          .send({ theme: { name: theme } }),
      ),
    );
    expect(onlyIfNone.map((response) => response.status).sort()).toEqual([200, 412]);
  });

  it('is a 404 for a dashboard the user cannot see', async () => {
    await api().get(`/api/dashboards/${dashboardId}/config`).set(stranger).expect(404);
    await api().put(`/api/dashboards/${dashboardId}/config`).set(stranger).send(config).expect(404);
  });

  it.each([
    ['chartCustomizations as an array', { chartCustomizations: [] }, 'chartCustomizations'],
    ['a numeric theme', { theme: 3 }, 'theme'],
    ['a string theme (a theme is an object now)', { theme: 'dark' }, 'theme'],
    ['an array theme', { theme: ['dark'] }, 'theme'],
    ['a string layout', { layout: 'grid' }, 'layout'],
    ['filters as an object', { filters: {} }, 'filters'],
    ['an unknown key', { userId: 'olga' }, 'userId'],
    ['a negative version', { version: -1 }, 'version'],
  ])('refuses %s with 400', async (_case, body, field) => {
    const response = await api().put(`/api/dashboards/${dashboardId}/config`).set(viewer).send(body).expect(400);
    expect(errorFields(response.body)).toContain(field);
  });

  it('refuses a config over 256 KiB with 413', async () => {
    const response = await api()
      .put(`/api/dashboards/${dashboardId}/config`)
      .set(viewer)
      .send({ chartCustomizations: { big: 'x'.repeat(300_000) } })
      .expect(413);
    expect(response.body.detail).toMatch(/config is \d+ bytes of JSON; at most 262144 bytes/);
  });
});

describe('per-user dashboard configs: theme objects, device sessions, deletion and conditional reads', () => {
  let testApp: TestApp;
  const tenant = 'configs-sessions';
  const olga = bearer(tokenFor({ tenant, sub: 'olga' }));
  const viktor = bearer(tokenFor({ tenant, sub: 'viktor' }));
  const outsider = bearer(tokenFor({ tenant: 'configs-sessions-other', sub: 'olga', roles: ['admin'] }));
  const api = () => request(testApp.server);
  let dashboardId: string;
  const configOf = (sessionId?: string) =>
    `/api/dashboards/${dashboardId}/config${sessionId === undefined ? '' : `?sessionId=${encodeURIComponent(sessionId)}`}`;

  beforeAll(async () => {
    testApp = await startTestApp();
    dashboardId = (await createDashboard(testApp, olga, { allowedViewers: ['viktor'] })).id;
  });
  afterAll(() => testApp.close());

  it('stores the theme as the JSON object the front-end sent', async () => {
    const theme = {
      name: 'solarized',
      palette: ['#002b36', '#fdf6e3'],
      typography: { family: 'Inter', sizes: [12, 14] },
      dense: true,
      radius: 0,
    };
    const saved = await api().put(configOf()).set(viktor).send({ theme }).expect(200);
    expect(saved.body.theme).toEqual(theme);
    expect((await api().get(configOf()).set(viktor).expect(200)).body.theme).toEqual(theme);
    expect((await api().put(configOf()).set(viktor).send({ theme: null }).expect(200)).body.theme).toBeNull();
  });

  it('caps the theme at 16 KiB of JSON with a 413 naming it, and keeps the config', async () => {
    const before = (await api().get(configOf()).set(viktor)).body;
    const response = await api()
      .put(configOf())
      .set(viktor)
      .send({ theme: { css: 'x'.repeat(16 * 1024) } })
      .expect(413);
    expect(errorFields(response.body)).toEqual(['theme']);
    expect(response.body.detail).toMatch(/theme is \d+ bytes of JSON; at most 16384 bytes/);
    expect((await api().get(configOf()).set(viktor)).body).toEqual(before);
    await api()
      .put(configOf())
      .set(viktor)
      .send({ theme: { css: 'x'.repeat(16 * 1024 - 20) } })
      .expect(200);
  });

  it('keeps a config per device session apart from the shared one, each with its own version and ETag', async () => {
    const shared = await api()
      .put(configOf())
      .set(olga)
      .send({ theme: { name: 'shared' } })
      .expect(200);
    expect(shared.body).toMatchObject({ sessionId: null, version: 1 });

    const tabletEmpty = await api().get(configOf('tablet-7f3a')).set(olga).expect(200);
    expect(tabletEmpty.headers.etag).toBe('"0"');
    expect(tabletEmpty.body).toMatchObject({ sessionId: 'tablet-7f3a', theme: null, version: 0 });

    const tablet = await api()
      .put(configOf('tablet-7f3a'))
      .set(olga)
      .set('If-Match', '"0"')
      .send({ theme: { name: 'tablet' } })
      .expect(200);
    expect(tablet.headers.etag).toBe('"1"');
    expect(tablet.body).toMatchObject({ sessionId: 'tablet-7f3a', theme: { name: 'tablet' }, version: 1 });
    await api()
      .put(configOf('tablet-7f3a'))
      .set(olga)
      .send({ theme: { name: 'tablet 2' } })
      .expect(200);

    expect((await api().get(configOf()).set(olga)).body).toMatchObject({ theme: { name: 'shared' }, version: 1 });
    expect((await api().get(configOf('tablet-7f3a')).set(olga)).body).toMatchObject({ theme: { name: 'tablet 2' }, version: 2 });
    // Another user's session of the same name is theirs alone.
    expect((await api().get(configOf('tablet-7f3a')).set(viktor)).body).toMatchObject({ version: 0, theme: null });
  });

  it.each([
    ['an empty sessionId', ''],
    ['a sessionId with a space', 'my tablet'],
    ['a 129-character sessionId', 'x'.repeat(129)],
    ['a non-ASCII sessionId', 'tablette-é'],
  ])('refuses %s with a 400 naming it, on GET, PUT and DELETE', async (_case, sessionId) => {
    for (const method of ['get', 'put', 'delete'] as const) {
      const response = await api()
        [method](configOf(sessionId))
        .set(olga)
        .send(method === 'put' ? {} : undefined)
        .expect(400);
      expect(errorFields(response.body)).toContain('sessionId');
    }
  });

  it('deletes a config: reads are empty again (as a new version: an ETag is never reused), the others stay, a stale If-Match is a 412, and a second delete is no error', async () => {
    await api()
      .put(configOf('phone'))
      .set(olga)
      .send({ theme: { name: 'phone' } })
      .expect(200);
    await api().delete(configOf('phone')).set(olga).set('If-Match', '"7"').expect(412);
    await api().delete(configOf('phone')).set(olga).set('If-Match', '"1"').expect(204);
    const emptied = await api().get(configOf('phone')).set(olga).set('If-None-Match', '"1"').expect(200);
    expect(emptied.body).toMatchObject({ version: 2, theme: null, chartCustomizations: {}, layout: null, filters: [] });
    await api().delete(configOf('phone')).set(olga).expect(204);
    expect((await api().get(configOf('phone')).set(olga)).body.version).toBe(2);
    await api().delete(configOf('never-saved')).set(olga).expect(204);
    expect((await api().get(configOf('never-saved')).set(olga)).body.version).toBe(0);
    expect((await api().get(configOf()).set(olga)).body).toMatchObject({ theme: { name: 'shared' } });

    await api().delete(configOf()).set(olga).expect(204);
    expect((await api().get(configOf()).set(olga)).body).toMatchObject({ version: 2, theme: null, sessionId: null });
    expect((await api().get(configOf('tablet-7f3a')).set(olga)).body).toMatchObject({ theme: { name: 'tablet 2' } });
  });

  it('caps the session configs holding anything of one user and dashboard at 20 (409); the shared one and emptied ones do not count', async () => {
    const board = (await createDashboard(testApp, olga)).id;
    const url = (sessionId: string) => `/api/dashboards/${board}/config?sessionId=${sessionId}`;
    const theme = { name: 'device' };
    await api().put(`/api/dashboards/${board}/config`).set(olga).send({ theme }).expect(200);
    for (let i = 0; i < 20; i++)
      await api()
        .put(url(`device-${i}`))
        .set(olga)
        .send({ theme })
        .expect(200);
    const refused = await api().put(url('device-20')).set(olga).send({ theme }).expect(409);
    expect(refused.body.detail).toMatch(/at most 20 session configs/);
    await api()
      .put(url('device-3'))
      .set(olga)
      .send({ theme: { name: 'still fine' } })
      .expect(200);
    await api().delete(url('device-0')).set(olga).expect(204);
    await api().put(url('device-20')).set(olga).send({ theme }).expect(200);
    await api().put(url('device-21')).set(olga).send({ theme }).expect(409);
    await api().put(url('device-0')).set(olga).send({ theme }).expect(409);
  });

  it('answers 304 without a body when If-None-Match names the current config version (weakly compared, lists, *)', async () => {
    const current = await api().get(configOf()).set(viktor).expect(200);
    const etag = current.headers.etag as string;
    expect(current.headers['cache-control']).toBe('private, no-cache');
    for (const header of [etag, `W/${etag}`, `"999", ${etag}`, '*']) {
      const unchanged = await api().get(configOf()).set(viktor).set('If-None-Match', header).expect(304);
      expect(unchanged.headers.etag).toBe(etag);
      expect(unchanged.text ?? '').toBe('');
    }
    await api().get(configOf()).set(viktor).set('If-None-Match', '"999"').expect(200);
    await api()
      .put(configOf())
      .set(viktor)
      .send({ theme: { name: 'changed' } })
      .expect(200);
    const changed = await api().get(configOf()).set(viktor).set('If-None-Match', etag).expect(200);
    expect(changed.body.theme).toEqual({ name: 'changed' });
    const malformed = await api().get(configOf()).set(viktor).set('If-None-Match', 'version-3').expect(400);
    expect(errorFields(malformed.body)).toEqual(['If-None-Match']);
  });

  it('is a 404 for another tenant’s dashboard, whatever the session or precondition', async () => {
    await api().get(configOf('tablet-7f3a')).set(outsider).expect(404);
    await api().get(configOf()).set(outsider).set('If-None-Match', '*').expect(404);
    await api()
      .put(configOf('tablet-7f3a'))
      .set(outsider)
      .send({ theme: { name: 'x' } })
      .expect(404);
    await api().delete(configOf()).set(outsider).expect(404);
    expect((await api().get(configOf('tablet-7f3a')).set(olga)).body).toMatchObject({ theme: { name: 'tablet 2' } });
  });
});

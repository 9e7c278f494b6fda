import request from 'supertest';
import { createDashboard, createProject, createWidget, errorFields } from '../support/dashboards.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

interface Listed {
  id: string;
  name: string;
  widgetCount: number;
  projectId: string | null;
}

describe('dashboard lists: projects, sorts, widget counts, counts, conditional reads', () => {
  let testApp: TestApp;
  const tenant = 'dashboard-lists';
  const owner = bearer(tokenFor({ tenant, sub: 'olga' }));
  const viewer = bearer(tokenFor({ tenant, sub: 'viktor' }));
  const otherAdmin = bearer(tokenFor({ tenant: 'dashboard-lists-other', sub: 'oscar', roles: ['admin'] }));
  const api = () => request(testApp.server);
  const list = async (auth: Record<string, string>, query = '') =>
    (await api().get(`/api/dashboards${query}`).set(auth).expect(200)).body as { items: Listed[]; nextCursor: string | null };
  const names = async (auth: Record<string, string>, query = '') => (await list(auth, query)).items.map((item) => item.name);
  /** Every page of a list, following nextCursor. */
  const allPages = async (auth: Record<string, string>, query: string) => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(auth, `${query}${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((item) => item.name));
      cursor = page.nextCursor;
    } while (cursor);
    return seen;
  };

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  describe('belonging to a project', () => {
    let sales: { id: string };
    let ops: { id: string };
    let foreign: { id: string };
    beforeAll(async () => {
      sales = await createProject(testApp, owner, 'Sales');
      ops = await createProject(testApp, owner, 'Ops');
      foreign = await createProject(testApp, otherAdmin, 'Foreign');
    });

    it('takes a project of the tenant on create, shows it in every read, and filters lists and counts by it', async () => {
      const board = await createDashboard(testApp, owner, { name: 'P: pipeline', projectId: sales.id, isPublic: true });
      expect(board.projectId).toBe(sales.id);
      await createDashboard(testApp, owner, { name: 'P: unassigned', isPublic: true });
      const read = await api().get(`/api/dashboards/${board.id}`).set(viewer).expect(200);
      expect(read.body.projectId).toBe(sales.id);
      expect(await names(viewer, `?projectId=${sales.id}`)).toEqual(['P: pipeline']);
      expect(await names(viewer, `?projectId=${ops.id}`)).toEqual([]);
      expect((await api().get(`/api/dashboards/count?projectId=${sales.id}`).set(viewer).expect(200)).body).toEqual({ count: 1 });
      const [listed] = (await list(viewer, `?projectId=${sales.id}`)).items;
      expect(listed).toMatchObject({ projectId: sales.id, widgetCount: 0 });
    });

    it('moves a dashboard to another project and detaches it with null, each a new version kept in the history', async () => {
      const board = await createDashboard(testApp, owner, { name: 'P: mover', projectId: sales.id });
      const moved = await api().patch(`/api/dashboards/${board.id}`).set(owner).send({ projectId: ops.id }).expect(200);
      expect(moved.body).toMatchObject({ projectId: ops.id, version: 2 });
      const detached = await api().patch(`/api/dashboards/${board.id}`).set(owner).send({ projectId: null }).expect(200);
      expect(detached.body).toMatchObject({ projectId: null, version: 3 });
      const kept = await api().get(`/api/dashboards/${board.id}/versions/2`).set(owner).expect(200);
      expect(kept.body.dashboard.projectId).toBe(ops.id);
      expect(await names(owner, `?projectId=${ops.id}&q=mover`)).toEqual([]);
    });

    it.each([
      ['an unknown project', () => '0190a5a0-0000-7000-8000-00000000beef'],
      ['another tenant’s project', () => foreign.id],
    ])('refuses %s with a 400 naming projectId, on create and on update', async (_case, projectId) => {
      const created = await api().post('/api/dashboards').set(owner).send({ name: 'P: refused', projectId: projectId() }).expect(400);
      expect(errorFields(created.body)).toEqual(['projectId']);
      await api()
        .get(`/api/dashboards?q=${encodeURIComponent('P: refused')}`)
        .set(owner)
        .expect(200, { items: [], nextCursor: null });
      const board = await createDashboard(testApp, owner, { name: `P: kept ${Math.random()}`, projectId: sales.id });
      const updated = await api().patch(`/api/dashboards/${board.id}`).set(owner).send({ projectId: projectId() }).expect(400);
      expect(errorFields(updated.body)).toEqual(['projectId']);
      expect((await api().get(`/api/dashboards/${board.id}`).set(owner)).body).toMatchObject({ projectId: sales.id, version: 1 });
    });

    it('refuses a projectId that is not a UUID, in bodies and filters', async () => {
      expect(
        errorFields((await api().post('/api/dashboards').set(owner).send({ name: 'P: bad', projectId: 'sales' }).expect(400)).body),
      ).toEqual(['projectId']);
      expect(errorFields((await api().get('/api/dashboards?projectId=sales').set(owner).expect(400)).body)).toEqual(['projectId']);
      expect(errorFields((await api().get('/api/dashboards/count?projectId=sales').set(owner).expect(400)).body)).toEqual(['projectId']);
    });

    it('never shows another tenant’s dashboards of a project id', async () => {
      expect(await names(otherAdmin, `?projectId=${sales.id}`)).toEqual([]);
      expect((await api().get(`/api/dashboards/count?projectId=${sales.id}`).set(otherAdmin)).body).toEqual({ count: 0 });
    });
  });

  describe('sorts and widget counts', () => {
    const prefix = 'S:';
    let ids: Record<string, string>;
    beforeAll(async () => {
      ids = {};
      for (const name of ['banana', 'Apple', 'cherry', 'apricot', 'Éclair'])
        ids[name] = (await createDashboard(testApp, owner, { name: `${prefix} ${name}` })).id;
      await createWidget(testApp, owner, ids.Apple);
      await createWidget(testApp, owner, ids.Apple, { type: 'text', query: null, position: { x: 6, y: 0, w: 6, h: 4 } });
      await createWidget(testApp, owner, ids.cherry);
    });
    const query = (sort: string, limit = 50) => `?q=${encodeURIComponent(prefix)}&sort=${sort}&limit=${limit}`;

    it('lists newest first by default and with sort=created', async () => {
      const expected = ['Éclair', 'apricot', 'cherry', 'Apple', 'banana'].map((name) => `${prefix} ${name}`);
      expect(await names(owner, `?q=${encodeURIComponent(prefix)}`)).toEqual(expected);
      expect(await allPages(owner, query('created', 2))).toEqual(expected);
    });

    it('lists by name A–Z case-insensitively, across pages', async () => {
      const byName = await names(owner, query('name'));
      expect(byName.slice(0, 4)).toEqual(['Apple', 'apricot', 'banana', 'cherry'].map((name) => `${prefix} ${name}`));
      expect(byName).toHaveLength(5);
      expect(await allPages(owner, query('name', 2))).toEqual(byName);
    });

    it('lists the most recently changed first: an edit, a widget change or a restore moves a dashboard up', async () => {
      await api().patch(`/api/dashboards/${ids.banana}`).set(owner).send({ description: 'edited' }).expect(200);
      expect((await names(owner, query('updated')))[0]).toBe(`${prefix} banana`);
      await createWidget(testApp, owner, ids.apricot);
      expect((await names(owner, query('updated'))).slice(0, 2)).toEqual([`${prefix} apricot`, `${prefix} banana`]);
      const all = await names(owner, query('updated'));
      expect(await allPages(owner, query('updated', 2))).toEqual(all);
    });

    it('includes each dashboard’s widget count in every list item and in the single read', async () => {
      const counts = Object.fromEntries(
        (await list(owner, query('name'))).items.map((item) => [item.name.slice(prefix.length + 1), item.widgetCount]),
      );
      expect(counts).toEqual({ Apple: 2, apricot: 1, banana: 0, cherry: 1, Éclair: 0 });
      expect((await api().get(`/api/dashboards/${ids.Apple}`).set(owner)).body).toMatchObject({ widgetCount: 2, widgets: [{}, {}] });
    });

    it('refuses a cursor of one sort for another, and an unknown sort', async () => {
      const pages = await Promise.all(
        ['created', 'updated', 'name'].map(async (sort) => [sort, (await list(owner, query(sort, 1))).nextCursor!] as const),
      );
      for (const [sort, cursor] of pages) {
        for (const other of ['created', 'updated', 'name'].filter((candidate) => candidate !== sort)) {
          const response = await api()
            .get(`/api/dashboards${query(other, 1)}&cursor=${cursor}`)
            .set(owner)
            .expect(400);
          expect(response.body.detail).toMatch(/cursor is invalid/);
        }
      }
      expect(errorFields((await api().get('/api/dashboards?sort=views').set(owner).expect(400)).body)).toEqual(['sort']);
      expect(errorFields((await api().get('/api/dashboards?sort=NAME').set(owner).expect(400)).body)).toEqual(['sort']);
    });

    it('pages by name through long names in any script (cursors longer than other lists allow)', async () => {
      const long = (letter: string) => `${prefix} ${letter}${'販'.repeat(250)}`;
      for (const letter of ['x', 'y', 'z']) await createDashboard(testApp, owner, { name: long(letter) });
      const byName = await allPages(owner, `?q=${encodeURIComponent('販')}&sort=name&limit=1`);
      expect(byName).toEqual(['x', 'y', 'z'].map(long));
    });
  });

  describe('GET /api/dashboards/count', () => {
    const counted = 'dashboard-counts';
    const alice = bearer(tokenFor({ tenant: counted, sub: 'alice' }));
    const bob = bearer(tokenFor({ tenant: counted, sub: 'bob' }));
    const countAdmin = bearer(tokenFor({ tenant: counted, sub: 'root', roles: ['admin'] }));
    const count = async (auth: Record<string, string>, query = '') =>
      (await api().get(`/api/dashboards/count${query}`).set(auth).expect(200)).body.count as number;

    beforeAll(async () => {
      await createDashboard(testApp, alice, { name: 'Revenue' });
      await createDashboard(testApp, alice, { name: 'Revenue, public', isPublic: true });
      await createDashboard(testApp, alice, { name: 'For Bob', allowedViewers: ['bob'] });
      const trashed = await createDashboard(testApp, alice, { name: 'Trashed revenue' });
      await api().delete(`/api/dashboards/${trashed.id}`).set(alice).expect(204);
      await createDashboard(testApp, bob, { name: 'Bob’s own' });
    });

    it('counts what the list shows the caller, with the list’s filters, never the trash', async () => {
      expect(await count(countAdmin)).toBe(4);
      expect(await count(alice)).toBe(3);
      expect(await count(bob)).toBe(3);
      expect(await count(bob, '?q=REVENUE')).toBe(1);
      expect(await count(countAdmin, '?ownerId=alice')).toBe(3);
      expect(await count(countAdmin, '?ownerId=alice&q=revenue')).toBe(2);
      expect(await count(countAdmin, '?ownerId=nobody')).toBe(0);
      expect(await count(countAdmin, '?q=%25')).toBe(0);
      for (const [auth, query] of [
        [countAdmin, ''],
        [bob, ''],
        [countAdmin, '?ownerId=alice&q=revenue'],
      ] as const) {
        const listed = (
          await api()
            .get(`/api/dashboards${query}${query ? '&' : '?'}limit=200`)
            .set(auth)
        ).body.items.length;
        expect(await count(auth, query)).toBe(listed);
      }
    });

    it('refuses what is not a filter of the list (paging, sorting, unknown keys) with a 400', async () => {
      for (const query of ['?limit=5', '?cursor=x', '?sort=name', '?owner=alice']) {
        await api().get(`/api/dashboards/count${query}`).set(countAdmin).expect(400);
      }
    });

    it('counts only the caller’s tenant', async () => {
      expect(await count(otherAdmin, '?ownerId=alice')).toBe(0);
    });
  });

  describe('conditional reads (If-None-Match)', () => {
    let id: string;
    beforeAll(async () => {
      id = (await createDashboard(testApp, owner, { name: 'C: polled', allowedViewers: ['viktor'] })).id;
      await createWidget(testApp, owner, id);
    });

    it('answers 304 with the ETag and no body while the client has the current version, 200 once it changes', async () => {
      const first = await api().get(`/api/dashboards/${id}`).set(viewer).expect(200);
      const etag = first.headers.etag as string;
      expect(etag).toBe('"2"');
      expect(first.headers['cache-control']).toBe('private, no-cache');
      for (const header of [etag, `W/${etag}`, `"1", ${etag}`, ` "zz" ,${etag} `, '*']) {
        const unchanged = await api().get(`/api/dashboards/${id}`).set(viewer).set('If-None-Match', header).expect(304);
        expect(unchanged.headers.etag).toBe(etag);
        expect(unchanged.text ?? '').toBe('');
      }
      await api().get(`/api/dashboards/${id}`).set(viewer).set('If-None-Match', '"1"').expect(200);

      await api().patch(`/api/widgets/${first.body.widgets[0].id}`).set(owner).send({ title: 'Renamed' }).expect(200);
      const changed = await api().get(`/api/dashboards/${id}`).set(viewer).set('If-None-Match', etag).expect(200);
      expect(changed.headers.etag).toBe('"3"');
      expect(changed.body.widgets[0].title).toBe('Renamed');
      await api().get(`/api/dashboards/${id}`).set(viewer).set('If-None-Match', '"3"').expect(304);
    });

    it('decides access first: a dashboard the caller may not see, another tenant’s, or a trashed one is a 404 whatever the header', async () => {
      const stranger = bearer(tokenFor({ tenant, sub: 'stranger' }));
      await api().get(`/api/dashboards/${id}`).set(stranger).set('If-None-Match', '*').expect(404);
      await api().get(`/api/dashboards/${id}`).set(otherAdmin).set('If-None-Match', '"3"').expect(404);
      const trashed = await createDashboard(testApp, owner, { name: 'C: trashed' });
      await api().delete(`/api/dashboards/${trashed.id}`).set(owner).expect(204);
      await api().get(`/api/dashboards/${trashed.id}`).set(owner).set('If-None-Match', '"1"').expect(404);
    });

    it('refuses a malformed If-None-Match with a 400 naming the header', async () => {
      for (const header of ['3', '"3" "4"', 'W/3', '*, "3"']) {
        const response = await api().get(`/api/dashboards/${id}`).set(viewer).set('If-None-Match', header).expect(400);
        expect(errorFields(response.body)).toEqual(['If-None-Match']);
      }
    });
  });
});

import request from 'supertest';
import { createDashboard, createWidget, type DashboardBody, errorFields } from '../support/dashboards.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { withAdminClient } from '../support/test-database.js';
import { bearer, tokenFor } from '../support/tokens.js';

describe('dashboards', () => {
  let testApp: TestApp;
  const alice = bearer(tokenFor({ tenant: 'dash', sub: 'alice' }));
  const bob = bearer(tokenFor({ tenant: 'dash', sub: 'bob' }));
  const admin = bearer(tokenFor({ tenant: 'dash', sub: 'ada', roles: ['admin'] }));
  const api = () => request(testApp.server);

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  describe('create, read, update', () => {
    it('creates a dashboard with defaults, Location and ETag, owned by the caller', async () => {
      const created = await api().post('/api/dashboards').set(alice).send({ name: 'Revenue', description: 'Money in' }).expect(201);
      expect(created.headers.location).toBe(`/api/dashboards/${created.body.id}`);
      expect(created.headers.etag).toBe('"1"');
      expect(created.body).toMatchObject({
        name: 'Revenue',
        description: 'Money in',
        layout: { columns: 12, rowHeight: 50, margin: [10, 10] },
        filters: [],
        ownerId: 'alice',
        isPublic: false,
        allowedViewers: [],
        version: 1,
        widgets: [],
      });
      expect(created.body).not.toHaveProperty('tenantId');
      const read = await api().get(`/api/dashboards/${created.body.id}`).set(alice).expect(200);
      expect(read.headers.etag).toBe('"1"');
      expect(read.body).toEqual(created.body);
    });

    it('returns the widgets ordered by position: y, then x', async () => {
      const dashboard = await createDashboard(testApp, alice);
      const low = await createWidget(testApp, alice, dashboard.id, { title: 'low', position: { x: 0, y: 5, w: 3, h: 2 } });
      const right = await createWidget(testApp, alice, dashboard.id, { title: 'right', position: { x: 6, y: 0, w: 3, h: 2 } });
      const left = await createWidget(testApp, alice, dashboard.id, {
        type: 'text',
        title: 'left',
        query: null,
        position: { x: 0, y: 0, w: 3, h: 2 },
      });
      const read = await api().get(`/api/dashboards/${dashboard.id}`).set(alice).expect(200);
      expect(read.body.widgets.map((widget: { id: string }) => widget.id)).toEqual([left.id, right.id, low.id]);
      expect(read.body.version).toBe(4);
      const widget = await api().get(`/api/widgets/${right.id}`).set(alice).expect(200);
      expect(read.body.widgets[1]).toEqual({ ...widget.body, dashboardVersion: undefined });
    });

    it('updates fields, bumps the version by one and sends the new ETag', async () => {
      const dashboard = await createDashboard(testApp, alice);
      const filters = [{ id: 'when', type: 'date_range', label: 'When', field: 'created_at', defaultValue: { last: '7d' } }];
      const updated = await api()
        .patch(`/api/dashboards/${dashboard.id}`)
        .set(alice)
        .send({ name: 'Renamed', description: null, layout: { columns: 24 }, filters, isPublic: true, allowedViewers: ['bob', 'bob'] })
        .expect(200);
      expect(updated.headers.etag).toBe('"2"');
      expect(updated.body).toMatchObject({
        name: 'Renamed',
        description: null,
        layout: { columns: 24, rowHeight: 50, margin: [10, 10] },
        filters,
        isPublic: true,
        allowedViewers: ['bob'],
        version: 2,
      });
    });

    it('refuses a duplicate name in the tenant with 409, case-insensitively, but not in another tenant', async () => {
      await createDashboard(testApp, alice, { name: 'Unique board' });
      const duplicate = await api().post('/api/dashboards').set(bob).send({ name: 'UNIQUE board' }).expect(409);
      expect(duplicate.body).toMatchObject({ status: 409, errors: [{ field: 'name', messages: ['already taken'] }] });
      await createDashboard(testApp, bearer(tokenFor({ tenant: 'elsewhere', sub: 'x' })), { name: 'Unique board' });
      const other = await createDashboard(testApp, alice, { name: 'Another board' });
      await api().patch(`/api/dashboards/${other.id}`).set(alice).send({ name: 'unique BOARD' }).expect(409);
      expect((await api().get(`/api/dashboards/${other.id}`).set(alice)).body).toMatchObject({ name: 'Another board', version: 1 });
    });

    it.each([
      ['no name', { name: undefined }, 'name'],
      ['a blank name', { name: '   ' }, 'name'],
      ['a 256-character name', { name: 'n'.repeat(256) }, 'name'],
      ['a null name', { name: null }, 'name'],
      ['a numeric name', { name: 42 }, 'name'],
      ['a description over 10,000 characters', { description: 'd'.repeat(10_001) }, 'description'],
      ['0 columns', { layout: { columns: 0 } }, 'layout.columns'],
      ['fractional columns', { layout: { columns: 2.5 } }, 'layout.columns'],
      ['a huge row height', { layout: { rowHeight: 1e20 } }, 'layout.rowHeight'],
      ['a one-number margin', { layout: { margin: [10] } }, 'layout.margin'],
      ['an unknown layout key', { layout: { columns: 12, gap: 3 } }, 'layout.gap'],
      ['a layout that is not an object', { layout: 'wide' }, 'layout'],
      ['an unknown filter type', { filters: [{ id: 'f', type: 'slider', label: 'F', field: 'f' }] }, 'filters.0.type'],
      ['a filter without field', { filters: [{ id: 'f', type: 'text', label: 'F' }] }, 'filters.0.field'],
      ['an unknown filter key', { filters: [{ id: 'f', type: 'text', label: 'F', field: 'f', color: 'red' }] }, 'filters.0.color'],
      [
        'two filters with one id',
        {
          filters: [
            { id: 'f', type: 'text', label: 'F', field: 'f' },
            { id: 'f', type: 'select', label: 'G', field: 'g' },
          ],
        },
        'filters',
      ],
      ['a non-boolean isPublic', { isPublic: 'yes' }, 'isPublic'],
      ['non-string viewers', { allowedViewers: [1] }, 'allowedViewers'],
      ['an ownerId', { ownerId: 'mallory' }, 'ownerId'],
      ['a version', { version: 3 }, 'version'],
      ['a tenantId', { tenantId: 'other' }, 'tenantId'],
    ])('refuses %s with a 400 naming the field', async (_case, body, field) => {
      const response = await api()
        .post('/api/dashboards')
        .set(alice)
        .send({ name: 'Invalid', ...body })
        .expect(400);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(errorFields(response.body)).toContain(field);
    });

    it('refuses null fields and unknown keys in a PATCH, and changes nothing', async () => {
      const dashboard = await createDashboard(testApp, alice);
      for (const body of [
        { name: null },
        { layout: null },
        { filters: null },
        { isPublic: null },
        { allowedViewers: null },
        { owner: 'x' },
        { version: 0 },
        { version: 'x' },
      ]) {
        await api().patch(`/api/dashboards/${dashboard.id}`).set(alice).send(body).expect(400);
      }
      expect((await api().get(`/api/dashboards/${dashboard.id}`).set(alice)).body.version).toBe(1);
    });

    it('refuses filters over 64 KiB with a 413 naming the cap', async () => {
      const response = await api()
        .post('/api/dashboards')
        .set(alice)
        .send({ name: 'Big filters', filters: [{ id: 'f', type: 'text', label: 'F', field: 'f', defaultValue: 'x'.repeat(70_000) }] })
        .expect(413);
      expect(response.body.detail).toMatch(/filters is \d+ bytes of JSON; at most 65536 bytes/);
    });

    it('refuses to shrink the columns below a widget, with a clear 400', async () => {
      const dashboard = await createDashboard(testApp, alice);
      await createWidget(testApp, alice, dashboard.id, { position: { x: 4, y: 0, w: 6, h: 2 } });
      const response = await api()
        .patch(`/api/dashboards/${dashboard.id}`)
        .set(alice)
        .send({ layout: { columns: 8 } })
        .expect(400);
      expect(response.body.detail).toMatch(/a widget reaches column 10/);
      await api()
        .patch(`/api/dashboards/${dashboard.id}`)
        .set(alice)
        .send({ layout: { columns: 10 } })
        .expect(200);
    });

    it('refuses bad ids with 400, unknown ones with 404', async () => {
      await api().get('/api/dashboards/not-a-uuid').set(alice).expect(400);
      await api().get('/api/dashboards/0190a5a0-0000-7000-8000-000000000000').set(alice).expect(404);
      await api().get('/api/dashboards/0190a5a0-0000-7000-8000-000000000000/versions/99999999999').set(alice).expect(400);
      await api().get('/api/dashboards/0190a5a0-0000-7000-8000-000000000000/versions/0').set(alice).expect(400);
    });
  });

  describe('visibility', () => {
    let privateBoard: DashboardBody;
    let publicBoard: DashboardBody;
    let sharedBoard: DashboardBody;
    const viewers = bearer(tokenFor({ tenant: 'visibility', sub: 'owner' }));
    const viewer = bearer(tokenFor({ tenant: 'visibility', sub: 'viewer' }));
    const stranger = bearer(tokenFor({ tenant: 'visibility', sub: 'stranger' }));
    const tenantAdmin = bearer(tokenFor({ tenant: 'visibility', sub: 'boss', roles: ['admin'] }));

    beforeAll(async () => {
      privateBoard = await createDashboard(testApp, viewers, { name: 'Private' });
      publicBoard = await createDashboard(testApp, viewers, { name: 'Public', isPublic: true });
      sharedBoard = await createDashboard(testApp, viewers, { name: 'Shared', allowedViewers: ['viewer'] });
    });

    const listed = async (auth: Record<string, string>, query = '') =>
      ((await api().get(`/api/dashboards${query}`).set(auth).expect(200)).body.items as { name: string }[]).map((item) => item.name).sort();

    it('lists own, public and shared dashboards; admins see all', async () => {
      expect(await listed(viewers)).toEqual(['Private', 'Public', 'Shared']);
      expect(await listed(viewer)).toEqual(['Public', 'Shared']);
      expect(await listed(stranger)).toEqual(['Public']);
      expect(await listed(tenantAdmin)).toEqual(['Private', 'Public', 'Shared']);
    });

    it('filters by owner and searches the name (wildcards taken literally)', async () => {
      expect(await listed(tenantAdmin, '?q=priv')).toEqual(['Private']);
      expect(await listed(tenantAdmin, '?q=%25')).toEqual([]);
      expect(await listed(tenantAdmin, '?ownerId=owner&q=UBL')).toEqual(['Public']);
      expect(await listed(tenantAdmin, '?ownerId=nobody')).toEqual([]);
    });

    it('pages with a cursor', async () => {
      const first = await api().get('/api/dashboards?limit=2').set(tenantAdmin).expect(200);
      expect(first.body.items).toHaveLength(2);
      const second = await api().get(`/api/dashboards?limit=2&cursor=${first.body.nextCursor}`).set(tenantAdmin).expect(200);
      expect(second.body).toMatchObject({ nextCursor: null });
      expect(second.body.items.map((item: { name: string }) => item.name)).toEqual(['Private']);
      await api().get('/api/dashboards?cursor=garbage').set(tenantAdmin).expect(400);
    });

    it('hides what the caller may not see behind a 404, never a 403', async () => {
      await api().get(`/api/dashboards/${privateBoard.id}`).set(viewer).expect(404);
      await api().get(`/api/dashboards/${sharedBoard.id}`).set(stranger).expect(404);
      await api().patch(`/api/dashboards/${privateBoard.id}`).set(stranger).send({ name: 'x' }).expect(404);
      await api().delete(`/api/dashboards/${privateBoard.id}`).set(stranger).expect(404);
      await api().get(`/api/dashboards/${privateBoard.id}/versions`).set(stranger).expect(404);
      await api().get(`/api/dashboards/${privateBoard.id}/config`).set(stranger).expect(404);
      await api()
        .post(`/api/dashboards/${privateBoard.id}/widgets`)
        .set(stranger)
        .send({ type: 'text', title: 't', position: { x: 0, y: 0, w: 1, h: 1 } })
        .expect(404);
      for (const [auth, board] of [
        [viewers, privateBoard],
        [viewer, sharedBoard],
        [stranger, publicBoard],
        [tenantAdmin, privateBoard],
      ] as const) {
        await api().get(`/api/dashboards/${board.id}`).set(auth).expect(200);
      }
    });

    it('lets viewers read but not change or delete (403); the owner and admins change', async () => {
      await api().patch(`/api/dashboards/${sharedBoard.id}`).set(viewer).send({ name: 'Hijacked' }).expect(403);
      await api().patch(`/api/dashboards/${publicBoard.id}`).set(stranger).send({ name: 'Hijacked' }).expect(403);
      await api().delete(`/api/dashboards/${publicBoard.id}`).set(stranger).expect(403);
      await api().delete(`/api/dashboards/${publicBoard.id}?permanent=true`).set(stranger).expect(403);
      await api()
        .post(`/api/dashboards/${publicBoard.id}/widgets`)
        .set(stranger)
        .send({ type: 'text', title: 't', position: { x: 0, y: 0, w: 1, h: 1 } })
        .expect(403);
      expect(
        (await api().patch(`/api/dashboards/${sharedBoard.id}`).set(tenantAdmin).send({ description: 'by admin' }).expect(200)).body
          .ownerId,
      ).toBe('owner');
      const read = await api().get(`/api/dashboards/${publicBoard.id}`).set(viewers).expect(200);
      expect(read.body).toMatchObject({ name: 'Public', version: 1 });
    });
  });

  describe('conditional writes', () => {
    it('applies a PATCH whose If-Match is current, refuses a stale one with 412 and changes nothing', async () => {
      const dashboard = await createDashboard(testApp, alice);
      await api().patch(`/api/dashboards/${dashboard.id}`).set(alice).set('If-Match', '"1"').send({ description: 'first' }).expect(200);
      const stale = await api()
        .patch(`/api/dashboards/${dashboard.id}`)
        .set(alice)
        .set('If-Match', '"1"')
        .send({ description: 'second' })
        .expect(412);
      expect(stale.headers.etag).toBe('"2"');
      expect(stale.body).toMatchObject({ status: 412, currentVersion: 2 });
      const staleBody = await api()
        .patch(`/api/dashboards/${dashboard.id}`)
        .set(alice)
        .send({ description: 'third', version: 1 })
        .expect(412);
      expect(staleBody.body.currentVersion).toBe(2);
      expect((await api().get(`/api/dashboards/${dashboard.id}`).set(alice)).body).toMatchObject({ description: 'first', version: 2 });
      await api().patch(`/api/dashboards/${dashboard.id}`).set(alice).send({ description: 'fourth', version: 2 }).expect(200);
      await api()
        .patch(`/api/dashboards/${dashboard.id}`)
        .set(alice)
        .set('If-Match', '"1", "3"')
        .send({ description: 'fifth' })
        .expect(200);
      await api().patch(`/api/dashboards/${dashboard.id}`).set(alice).set('If-Match', '*').send({ description: 'sixth' }).expect(200);
    });

    it('answers 412 to a weak If-Match tag, which never matches', async () => {
      const dashboard = await createDashboard(testApp, alice);
      await api().patch(`/api/dashboards/${dashboard.id}`).set(alice).set('If-Match', 'W/"1"').send({ description: 'x' }).expect(412);
    });

    it('keeps the layout members a PATCH leaves out', async () => {
      const dashboard = await createDashboard(testApp, alice, { layout: { columns: 24, rowHeight: 30, margin: [4, 4] } });
      const patched = await api()
        .patch(`/api/dashboards/${dashboard.id}`)
        .set(alice)
        .send({ layout: { rowHeight: 80 } })
        .expect(200);
      expect(patched.body.layout).toEqual({ columns: 24, rowHeight: 80, margin: [4, 4] });
    });

    it.each(['3', '"abc"', '"', '', '"99999999999"'])('refuses the malformed If-Match %p with 400', async (ifMatch) => {
      const dashboard = await createDashboard(testApp, alice);
      await api().patch(`/api/dashboards/${dashboard.id}`).set(alice).set('If-Match', ifMatch).send({ description: 'x' }).expect(400);
      expect((await api().get(`/api/dashboards/${dashboard.id}`).set(alice)).body.version).toBe(1);
    });

    it('lets exactly one of two concurrent conditional updates win; the other gets 412', async () => {
      const dashboard = await createDashboard(testApp, alice);
      for (let round = 1; round <= 5; round++) {
        const responses = await Promise.all(
          ['left', 'right'].map((side) =>
            api()
              .patch(`/api/dashboards/${dashboard.id}`)
              .set(alice)
              .set('If-Match', `"${round}"`)
              .send({ description: `${side} ${round}` }),
          ),
        );
        expect(responses.map((response) => response.status).sort()).toEqual([200, 412]);
      }
      const read = await api().get(`/api/dashboards/${dashboard.id}`).set(alice).expect(200);
      expect(read.body.version).toBe(6);
      expect((await api().get(`/api/dashboards/${dashboard.id}/versions`).set(alice)).body.items).toHaveLength(5);
    });

    it('serialises concurrent unconditional updates: every one counts once', async () => {
      const dashboard = await createDashboard(testApp, alice);
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          api()
            .patch(`/api/dashboards/${dashboard.id}`)
            .set(alice)
            .send({ description: `d${i}` }),
        ),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
      expect((await api().get(`/api/dashboards/${dashboard.id}`).set(alice)).body.version).toBe(11);
    });
  });

  describe('history', () => {
    it('keeps every previous state, lists versions newest first with cursors, restores one as a new version', async () => {
      const dashboard = await createDashboard(testApp, alice, { name: 'History v1', isPublic: true });
      const chart = await createWidget(testApp, alice, dashboard.id, { title: 'chart v2' });
      await api().patch(`/api/dashboards/${dashboard.id}`).set(bob).send({ name: 'by bob' }).expect(403);
      await api().patch(`/api/dashboards/${dashboard.id}`).set(admin).send({ name: 'History v3' }).expect(200);
      await api().delete(`/api/widgets/${chart.id}`).set(alice).expect(204);

      const versions = await api().get(`/api/dashboards/${dashboard.id}/versions`).set(bob).expect(200);
      expect(versions.body.items.map((item: { version: number }) => item.version)).toEqual([3, 2, 1]);
      expect(versions.body.items[0]).toMatchObject({ version: 3, savedBy: 'ada', replacedBy: 'alice' });
      expect(versions.body.items[2]).toMatchObject({ version: 1, savedBy: 'alice', replacedBy: 'alice' });
      const paged = await api().get(`/api/dashboards/${dashboard.id}/versions?limit=2`).set(bob).expect(200);
      const rest = await api().get(`/api/dashboards/${dashboard.id}/versions?limit=2&cursor=${paged.body.nextCursor}`).set(bob).expect(200);
      expect(rest.body.items.map((item: { version: number }) => item.version)).toEqual([1]);

      const v2 = await api().get(`/api/dashboards/${dashboard.id}/versions/2`).set(bob).expect(200);
      expect(v2.body.dashboard).toMatchObject({ name: 'History v1', version: 2, widgets: [{ id: chart.id, title: 'chart v2' }] });
      await api().get(`/api/dashboards/${dashboard.id}/versions/4`).set(alice).expect(404);
      await api().post(`/api/dashboards/${dashboard.id}/versions/4/restore`).set(alice).expect(404);
      expect((await api().get(`/api/dashboards/${dashboard.id}/versions`).set(alice)).body.items).toHaveLength(3);

      await api().post(`/api/dashboards/${dashboard.id}/versions/2/restore`).set(bob).expect(403);
      await api().post(`/api/dashboards/${dashboard.id}/versions/2/restore`).set(alice).set('If-Match', '"3"').expect(412);
      const restored = await api().post(`/api/dashboards/${dashboard.id}/versions/2/restore`).set(alice).set('If-Match', '"4"').expect(200);
      expect(restored.headers.etag).toBe('"5"');
      expect(restored.body).toMatchObject({
        name: 'History v1',
        version: 5,
        isPublic: true,
        widgets: [{ id: chart.id, title: 'chart v2', position: chart.position }],
      });
      await api().get(`/api/widgets/${chart.id}`).set(alice).expect(200);
      const v4 = await api().get(`/api/dashboards/${dashboard.id}/versions/4`).set(alice).expect(200);
      expect(v4.body.dashboard).toMatchObject({ name: 'History v3', widgets: [] });
    });

    it('keeps quotes and question marks in user ids and text as data (parameters, never SQL)', async () => {
      const odd = bearer(tokenFor({ tenant: "t'e?n", sub: "o'ne?two" }));
      const dashboard = await createDashboard(testApp, odd, { name: "What's up? ?? $1 :name", isPublic: true });
      await createWidget(testApp, odd, dashboard.id, { title: "Why? ' -- ", type: 'text', query: null, config: { note: '?|?&' } });
      const versions = await api().get(`/api/dashboards/${dashboard.id}/versions`).set(odd).expect(200);
      expect(versions.body.items[0]).toMatchObject({ version: 1, savedBy: "o'ne?two", replacedBy: "o'ne?two" });
      const read = await api().get(`/api/dashboards/${dashboard.id}`).set(odd).expect(200);
      expect(read.body).toMatchObject({
        name: "What's up? ?? $1 :name",
        ownerId: "o'ne?two",
        widgets: [{ title: "Why? ' -- ", config: { note: '?|?&' } }],
      });
      expect(
        (
          await api()
            .get(`/api/dashboards?q=${encodeURIComponent('up? ?')}`)
            .set(odd)
        ).body.items,
      ).toHaveLength(1);
    });

    it('refuses to restore a version whose name a live dashboard has taken (409) and changes nothing', async () => {
      const dashboard = await createDashboard(testApp, alice, { name: 'Old name' });
      await api().patch(`/api/dashboards/${dashboard.id}`).set(alice).send({ name: 'New name' }).expect(200);
      await createDashboard(testApp, alice, { name: 'Old name' });
      await api().post(`/api/dashboards/${dashboard.id}/versions/1/restore`).set(alice).expect(409);
      expect((await api().get(`/api/dashboards/${dashboard.id}`).set(alice)).body).toMatchObject({ name: 'New name', version: 2 });
      expect((await api().get(`/api/dashboards/${dashboard.id}/versions`).set(alice)).body.items).toHaveLength(1);
    });
  });

  describe('trash', () => {
    const trashOwner = bearer(tokenFor({ tenant: 'trash', sub: 'tom' }));
    const trashViewer = bearer(tokenFor({ tenant: 'trash', sub: 'val' }));
    const trashAdmin = bearer(tokenFor({ tenant: 'trash', sub: 'root', roles: ['admin'] }));

    it('hides a deleted dashboard and its widgets everywhere but the trash, and restores it whole', async () => {
      const dashboard = await createDashboard(testApp, trashOwner, { name: 'Binned', isPublic: true });
      const widget = await createWidget(testApp, trashOwner, dashboard.id);
      await api().delete(`/api/dashboards/${dashboard.id}`).set(trashViewer).expect(403);
      await api().delete(`/api/dashboards/${dashboard.id}`).set(trashOwner).expect(204);

      await api().get(`/api/dashboards/${dashboard.id}`).set(trashOwner).expect(404);
      await api().get(`/api/widgets/${widget.id}`).set(trashOwner).expect(404);
      await api().patch(`/api/widgets/${widget.id}`).set(trashOwner).send({ title: 'x' }).expect(404);
      await api().patch(`/api/dashboards/${dashboard.id}`).set(trashOwner).send({ name: 'x' }).expect(404);
      await api().get(`/api/dashboards/${dashboard.id}/versions`).set(trashOwner).expect(404);
      await api().get(`/api/dashboards/${dashboard.id}/config`).set(trashOwner).expect(404);
      await api().delete(`/api/dashboards/${dashboard.id}`).set(trashOwner).expect(404);
      expect((await api().get('/api/dashboards').set(trashOwner)).body.items).toEqual([]);

      const trash = await api().get('/api/dashboards/trash').set(trashOwner).expect(200);
      expect(trash.body.items).toHaveLength(1);
      expect(trash.body.items[0]).toMatchObject({ id: dashboard.id, name: 'Binned', deletedBy: 'tom' });
      expect(new Date(trash.body.items[0].purgeAt).getTime() - new Date(trash.body.items[0].deletedAt).getTime()).toBe(30 * 86_400_000);
      expect((await api().get('/api/dashboards/trash').set(trashViewer)).body.items).toEqual([]);
      expect((await api().get('/api/dashboards/trash').set(trashAdmin)).body.items).toHaveLength(1);

      await api().post(`/api/dashboards/${dashboard.id}/restore`).set(trashViewer).expect(404);
      const restored = await api().post(`/api/dashboards/${dashboard.id}/restore`).set(trashOwner).expect(200);
      expect(restored.body).toMatchObject({ id: dashboard.id, version: 2, widgets: [{ id: widget.id }] });
      await api().get(`/api/widgets/${widget.id}`).set(trashViewer).expect(200);
      await api().post(`/api/dashboards/${dashboard.id}/restore`).set(trashOwner).expect(404);
    });

    it('frees the name in the trash; restoring over a taken name is a 409', async () => {
      const dashboard = await createDashboard(testApp, trashOwner, { name: 'Reused name' });
      await api().delete(`/api/dashboards/${dashboard.id}`).set(trashOwner).expect(204);
      await createDashboard(testApp, trashOwner, { name: 'Reused name' });
      await api().post(`/api/dashboards/${dashboard.id}/restore`).set(trashAdmin).expect(409);
      expect((await api().get('/api/dashboards/trash').set(trashOwner)).body.items.map((item: { id: string }) => item.id)).toContain(
        dashboard.id,
      );
    });

    it('deletes for good with ?permanent=true: widgets, history and configs go too', async () => {
      const dashboard = await createDashboard(testApp, trashOwner, { isPublic: true });
      const widget = await createWidget(testApp, trashOwner, dashboard.id);
      await api()
        .put(`/api/dashboards/${dashboard.id}/config`)
        .set(trashViewer)
        .send({ theme: { name: 'dark' } })
        .expect(200);
      await api().delete(`/api/dashboards/${dashboard.id}?permanent=maybe`).set(trashOwner).expect(400);
      await api().delete(`/api/dashboards/${dashboard.id}?permanent=true`).set(trashOwner).expect(204);
      await api().get(`/api/widgets/${widget.id}`).set(trashOwner).expect(404);
      const counts = await countRows(dashboard.id);
      expect(counts).toEqual({ dashboards: 0, widgets: 0, dashboard_versions: 0, dashboard_user_configs: 0 });
    });

    it('purges a trashed dashboard for good', async () => {
      const dashboard = await createDashboard(testApp, trashOwner);
      await createWidget(testApp, trashOwner, dashboard.id);
      await api().delete(`/api/dashboards/${dashboard.id}`).set(trashOwner).expect(204);
      expect((await countRows(dashboard.id)).widgets).toBe(1);
      await api().delete(`/api/dashboards/${dashboard.id}?permanent=true`).set(trashViewer).expect(404);
      await api().delete(`/api/dashboards/${dashboard.id}?permanent=true`).set(trashAdmin).expect(204);
      expect(await countRows(dashboard.id)).toEqual({ dashboards: 0, widgets: 0, dashboard_versions: 0, dashboard_user_configs: 0 });
      await api().post(`/api/dashboards/${dashboard.id}/restore`).set(trashOwner).expect(404);
    });
  });

  /** Rows left of a dashboard in each of its tables, counted as a superuser (row-level security bypassed). */
  async function countRows(dashboardId: string): Promise<Record<string, number>> {
    return withAdminClient(async (client) => {
      const counts: Record<string, number> = {};
      for (const [table, column] of [
        ['dashboards', 'id'],
        ['widgets', 'dashboard_id'],
        ['dashboard_versions', 'dashboard_id'],
        ['dashboard_user_configs', 'dashboard_id'],
      ]) {
        counts[table] = (await client.query(`select count(*)::int as n from ${table} where ${column} = $1`, [dashboardId])).rows[0].n;
      }
      return counts;
    }, testApp.database.name);
  }
});

import request from 'supertest';
import { createDashboard, createWidget, errorFields, SALES_QUERY } from '../support/dashboards.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

describe('widgets', () => {
  let testApp: TestApp;
  const alice = bearer(tokenFor({ tenant: 'widgets', sub: 'alice' }));
  const viewer = bearer(tokenFor({ tenant: 'widgets', sub: 'vic' }));
  const admin = bearer(tokenFor({ tenant: 'widgets', sub: 'ada', roles: ['admin'] }));
  const api = () => request(testApp.server);
  const valid = { type: 'bar_chart', title: 'Valid', query: SALES_QUERY, position: { x: 0, y: 0, w: 4, h: 2 } };
  const version = async (dashboardId: string) =>
    (await api().get(`/api/dashboards/${dashboardId}`).set(alice).expect(200)).body.version as number;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  describe('CRUD', () => {
    it('creates, reads, updates and deletes a widget; each change is one dashboard version', async () => {
      const dashboard = await createDashboard(testApp, alice);
      const created = await api()
        .post(`/api/dashboards/${dashboard.id}/widgets`)
        .set(alice)
        .set('If-Match', '"1"')
        .send({
          type: 'line_chart',
          title: 'Trend',
          query: SALES_QUERY,
          position: { x: 2, y: 1, w: 10, h: 3 },
          config: { colors: ['#f00'] },
        })
        .expect(201);
      expect(created.headers.location).toBe(`/api/widgets/${created.body.id}`);
      expect(created.headers.etag).toBe('"2"');
      expect(created.body).toMatchObject({
        dashboardId: dashboard.id,
        type: 'line_chart',
        title: 'Trend',
        query: SALES_QUERY,
        savedQueryId: null,
        position: { x: 2, y: 1, w: 10, h: 3 },
        config: { colors: ['#f00'] },
        draft: false,
        dashboardVersion: 2,
      });
      const read = await api().get(`/api/widgets/${created.body.id}`).set(alice).expect(200);
      expect(read.headers.etag).toBe('"2"');
      expect(read.body).toEqual(created.body);

      const updated = await api()
        .patch(`/api/widgets/${created.body.id}`)
        .set(alice)
        .set('If-Match', '"2"')
        .send({ title: 'Trend (paid)', position: { x: 0, y: 0, w: 12, h: 2 } })
        .expect(200);
      expect(updated.body).toMatchObject({
        title: 'Trend (paid)',
        position: { x: 0, y: 0, w: 12, h: 2 },
        query: SALES_QUERY,
        dashboardVersion: 3,
      });
      const toText = await api()
        .patch(`/api/widgets/${created.body.id}`)
        .set(alice)
        .send({ type: 'text', config: { markdown: '# Hi' } })
        .expect(200);
      expect(toText.body).toMatchObject({ type: 'text', query: null, dashboardVersion: 4 });
      // A text widget turned into a chart without a query is a draft until its query comes.
      const draft = await api().patch(`/api/widgets/${created.body.id}`).set(alice).send({ type: 'metric' }).expect(200);
      expect(draft.body).toMatchObject({ type: 'metric', query: null, draft: true, dashboardVersion: 5 });
      const built = await api()
        .patch(`/api/widgets/${created.body.id}`)
        .set(alice)
        .send({ type: 'metric', query: SALES_QUERY })
        .expect(200);
      expect(built.body).toMatchObject({ draft: false, dashboardVersion: 6 });

      await api().delete(`/api/widgets/${created.body.id}`).set(alice).set('If-Match', '"1"').expect(412);
      await api().delete(`/api/widgets/${created.body.id}`).set(alice).set('If-Match', '"6"').expect(204);
      await api().get(`/api/widgets/${created.body.id}`).set(alice).expect(404);
      await api().delete(`/api/widgets/${created.body.id}`).set(alice).expect(404);
      expect(await version(dashboard.id)).toBe(7);
      expect((await api().get(`/api/dashboards/${dashboard.id}/versions`).set(alice)).body.items).toHaveLength(6);
    });

    it('lets only those who may edit the dashboard change its widgets', async () => {
      const dashboard = await createDashboard(testApp, alice, { isPublic: true });
      const widget = await createWidget(testApp, alice, dashboard.id);
      await api().get(`/api/widgets/${widget.id}`).set(viewer).expect(200);
      await api().patch(`/api/widgets/${widget.id}`).set(viewer).send({ title: 'mine' }).expect(403);
      await api().delete(`/api/widgets/${widget.id}`).set(viewer).expect(403);
      await api()
        .patch(`/api/dashboards/${dashboard.id}/layout`)
        .set(viewer)
        .send([{ widgetId: widget.id, position: { x: 1, y: 1, w: 1, h: 1 } }])
        .expect(403);
      await api().patch(`/api/widgets/${widget.id}`).set(admin).send({ title: 'by admin' }).expect(200);
      const hidden = await createDashboard(testApp, alice);
      const hiddenWidget = await createWidget(testApp, alice, hidden.id);
      await api().get(`/api/widgets/${hiddenWidget.id}`).set(viewer).expect(404);
      await api().patch(`/api/widgets/${hiddenWidget.id}`).set(viewer).send({ title: 'x' }).expect(404);
    });

    it('keeps a stale conditional widget write from changing anything (412)', async () => {
      const dashboard = await createDashboard(testApp, alice);
      const widget = await createWidget(testApp, alice, dashboard.id);
      await api().patch(`/api/dashboards/${dashboard.id}`).set(alice).send({ description: 'moved on' }).expect(200);
      const stale = await api().patch(`/api/widgets/${widget.id}`).set(alice).send({ title: 'stale', version: 2 }).expect(412);
      expect(stale.body.currentVersion).toBe(3);
      await api()
        .post(`/api/dashboards/${dashboard.id}/widgets`)
        .set(alice)
        .set('If-Match', '"2"')
        .send({ type: 'text', title: 't', position: { x: 0, y: 0, w: 1, h: 1 } })
        .expect(412);
      const read = await api().get(`/api/dashboards/${dashboard.id}`).set(alice).expect(200);
      expect(read.body).toMatchObject({ version: 3, widgets: [{ title: 'Sales by region' }] });
    });
  });

  describe('validation', () => {
    let dashboardId: string;
    beforeAll(async () => {
      dashboardId = (await createDashboard(testApp, alice)).id;
    });

    it.each([
      ['an unknown type', { type: 'donut' }, 'type'],
      ['a blank title', { title: ' ' }, 'title'],
      ['a 256-character title', { title: 't'.repeat(256) }, 'title'],
      ['a text widget with a query', { type: 'text' }, 'query'],
      ['a query without tables', { query: { ...SALES_QUERY, tables: [] } }, 'query.tables'],
      ['a query without columns', { query: { ...SALES_QUERY, columns: [] } }, 'query.columns'],
      ['an unknown query key', { query: { ...SALES_QUERY, sql: 'drop table x' } }, 'query.sql'],
      ['an unknown table key', { query: { ...SALES_QUERY, tables: [{ table: 'orders', join: 'x' }] } }, 'query.tables.0.join'],
      [
        'a table name that is not an identifier',
        { query: { ...SALES_QUERY, tables: [{ table: 'orders; drop', alias: 'o' }] } },
        'query.tables.0.table',
      ],
      [
        'an unknown aggregation',
        { query: { ...SALES_QUERY, columns: [{ table: 'o', column: 'amount', aggregation: 'median' }] } },
        'query.columns.0.aggregation',
      ],
      ['a column of an unknown table', { query: { ...SALES_QUERY, columns: [{ table: 'x', column: 'amount' }] } }, 'query.columns.0.table'],
      ['* without count', { query: { ...SALES_QUERY, columns: [{ table: 'o', column: '*' }] } }, 'query.columns.0.column'],
      [
        'an unknown operator',
        { query: { ...SALES_QUERY, filters: [{ table: 'o', column: 'a', operator: 'regex', value: 'x' }] } },
        'query.filters.0.operator',
      ],
      [
        'in without a list',
        { query: { ...SALES_QUERY, filters: [{ table: 'o', column: 'a', operator: 'in', value: 'x' }] } },
        'query.filters.0.value',
      ],
      [
        'between with one bound',
        { query: { ...SALES_QUERY, filters: [{ table: 'o', column: 'a', operator: 'between', value: [1] }] } },
        'query.filters.0.value',
      ],
      [
        'eq with an object',
        { query: { ...SALES_QUERY, filters: [{ table: 'o', column: 'a', operator: 'eq', value: { x: 1 } }] } },
        'query.filters.0.value',
      ],
      ['a bad direction', { query: { ...SALES_QUERY, orderBy: [{ column: 'total', direction: 'up' }] } }, 'query.orderBy.0.direction'],
      ['a zero limit', { query: { ...SALES_QUERY, limit: 0 } }, 'query.limit'],
      ['a query that is a string', { query: 'select 1' }, 'query'],
      ['no position', { position: undefined }, 'position'],
      ['a negative x', { position: { x: -1, y: 0, w: 1, h: 1 } }, 'position.x'],
      ['a zero width', { position: { x: 0, y: 0, w: 0, h: 1 } }, 'position.w'],
      ['a fractional y', { position: { x: 0, y: 0.5, w: 1, h: 1 } }, 'position.y'],
      ['a huge height', { position: { x: 0, y: 0, w: 1, h: 1e12 } }, 'position.h'],
      ['a string position', { position: { x: '0', y: 0, w: 1, h: 1 } }, 'position.x'],
      ['x + w past the 12 columns', { position: { x: 8, y: 0, w: 5, h: 1 } }, 'position.w'],
      ['an unknown position key', { position: { x: 0, y: 0, w: 1, h: 1, z: 2 } }, 'position.z'],
      ['a config that is an array', { config: [1] }, 'config'],
      ['a malformed savedQueryId', { savedQueryId: 'abc' }, 'savedQueryId'],
      ['an unknown savedQueryId', { savedQueryId: '0190a5a0-0000-7000-8000-000000000000' }, 'savedQueryId'],
      ['a dashboardId in the body', { dashboardId: '0190a5a0-0000-7000-8000-000000000000' }, 'dashboardId'],
    ])('refuses %s with a 400 naming the field, and changes nothing', async (_case, body, field) => {
      const response = await api()
        .post(`/api/dashboards/${dashboardId}/widgets`)
        .set(alice)
        .send({ ...valid, ...body })
        .expect(400);
      expect(errorFields(response.body)).toContain(field);
      expect(await version(dashboardId)).toBe(1);
    });

    it('refuses a widget config over 64 KiB with 413', async () => {
      const response = await api()
        .post(`/api/dashboards/${dashboardId}/widgets`)
        .set(alice)
        .send({ ...valid, config: { blob: 'x'.repeat(70_000) } })
        .expect(413);
      expect(response.body.detail).toMatch(/config is \d+ bytes/);
    });

    it('accepts text widgets without a query and every operator with a fitting value', async () => {
      const board = await createDashboard(testApp, alice);
      await createWidget(testApp, alice, board.id, { type: 'text', query: undefined, title: 'Notes' });
      const filters = [
        { table: 'o', column: 'a', operator: 'in', value: ['x', 1, true] },
        { table: 'o', column: 'a', operator: 'between', value: [1, 9] },
        { table: 'o', column: 'a', operator: 'is_null' },
        { table: 'orders', column: 'a', operator: 'like', value: 'A%' },
        { table: 'o', column: 'a', operator: 'gte', value: 3.5 },
      ];
      const widget = await createWidget(testApp, alice, board.id, {
        type: 'scatter_chart',
        query: { ...SALES_QUERY, filters, columns: [{ table: 'o', column: '*', aggregation: 'count' }] },
      });
      expect(widget.query).toMatchObject({ filters });
    });

    it('caps a dashboard at 100 widgets', async () => {
      const board = await createDashboard(testApp, alice);
      for (let i = 0; i < 100; i++)
        await createWidget(testApp, alice, board.id, { type: 'text', query: null, position: { x: 0, y: i, w: 1, h: 1 } });
      const refused = await api()
        .post(`/api/dashboards/${board.id}/widgets`)
        .set(alice)
        .send({ ...valid })
        .expect(409);
      expect(refused.body.detail).toMatch(/at most 100 widgets/);
    }, 60_000);
  });

  describe('saved query references', () => {
    it('references a saved query of the tenant, never another tenant’s; one in use cannot be deleted', async () => {
      const savedQuery = (await api().post('/api/saved-queries').set(alice).send({ name: 'Sales', query: SALES_QUERY }).expect(201)).body;
      const foreign = (
        await api()
          .post('/api/saved-queries')
          .set(bearer(tokenFor({ tenant: 'other-widgets', sub: 'x' })))
          .send({ name: 'Sales', query: SALES_QUERY })
          .expect(201)
      ).body;
      const dashboard = await createDashboard(testApp, alice);
      const widget = await createWidget(testApp, alice, dashboard.id, { savedQueryId: savedQuery.id });
      expect(widget.savedQueryId).toBe(savedQuery.id);
      const refused = await api()
        .post(`/api/dashboards/${dashboard.id}/widgets`)
        .set(alice)
        .send({ ...valid, savedQueryId: foreign.id })
        .expect(400);
      expect(refused.body.errors).toEqual([{ field: 'savedQueryId', messages: ['not a saved query of this tenant'] }]);
      const inUse = await api().delete(`/api/saved-queries/${savedQuery.id}`).set(alice).expect(409);
      expect(inUse.body.detail).toMatch(/Widgets still use this saved query/);
      await api().patch(`/api/widgets/${widget.id}`).set(alice).send({ savedQueryId: null }).expect(200);
      await api().delete(`/api/saved-queries/${savedQuery.id}`).set(alice).expect(204);
      expect((await api().get(`/api/widgets/${widget.id}`).set(alice).expect(200)).body).toMatchObject({
        savedQueryId: null,
        query: SALES_QUERY,
      });
    });

    it('caps what all of a dashboard’s widgets hold (each change copies it into the history)', async () => {
      const dashboard = await createDashboard(testApp, alice);
      const bulky = { blob: 'x'.repeat(60 * 1024) };
      for (let index = 0; index < 16; index++) {
        await createWidget(testApp, alice, dashboard.id, { config: bulky });
      }
      const refused = await api()
        .post(`/api/dashboards/${dashboard.id}/widgets`)
        .set(alice)
        .send({ ...valid, config: bulky })
        .expect(413);
      expect(refused.body.detail).toMatch(/at most 1024 KiB/);
      expect((await api().get(`/api/dashboards/${dashboard.id}`).set(alice).expect(200)).body.widgets).toHaveLength(16);
    });
  });

  describe('layout batch', () => {
    it('moves many widgets in one version and returns the dashboard', async () => {
      const dashboard = await createDashboard(testApp, alice);
      const a = await createWidget(testApp, alice, dashboard.id, { title: 'a', position: { x: 0, y: 0, w: 6, h: 2 } });
      const b = await createWidget(testApp, alice, dashboard.id, { title: 'b', position: { x: 6, y: 0, w: 6, h: 2 } });
      const moved = await api()
        .patch(`/api/dashboards/${dashboard.id}/layout`)
        .set(alice)
        .set('If-Match', '"3"')
        .send([
          { widgetId: a.id, position: { x: 0, y: 2, w: 12, h: 2 } },
          { widgetId: b.id.toUpperCase(), position: { x: 0, y: 0, w: 12, h: 2 } },
        ])
        .expect(200);
      expect(moved.headers.etag).toBe('"4"');
      expect(moved.body.version).toBe(4);
      expect(moved.body.widgets.map((widget: { title: string; position: unknown }) => [widget.title, widget.position])).toEqual([
        ['b', { x: 0, y: 0, w: 12, h: 2 }],
        ['a', { x: 0, y: 2, w: 12, h: 2 }],
      ]);
      await api()
        .patch(`/api/dashboards/${dashboard.id}/layout`)
        .set(alice)
        .set('If-Match', '"3"')
        .send([{ widgetId: a.id, position: { x: 0, y: 9, w: 1, h: 1 } }])
        .expect(412);
      const v3 = await api().get(`/api/dashboards/${dashboard.id}/versions/3`).set(alice).expect(200);
      expect(v3.body.dashboard.widgets.map((widget: { title: string }) => widget.title)).toEqual(['a', 'b']);
    });

    it('moves nothing when one item is bad: unknown, foreign, another dashboard’s, past the grid, duplicated', async () => {
      const dashboard = await createDashboard(testApp, alice);
      const a = await createWidget(testApp, alice, dashboard.id, { position: { x: 0, y: 0, w: 6, h: 2 } });
      const other = await createDashboard(testApp, alice);
      const elsewhere = await createWidget(testApp, alice, other.id);
      const foreignBoard = await createDashboard(testApp, bearer(tokenFor({ tenant: 'other-widgets', sub: 'y' })));
      const foreign = await createWidget(testApp, bearer(tokenFor({ tenant: 'other-widgets', sub: 'y' })), foreignBoard.id);
      const good = { widgetId: a.id, position: { x: 0, y: 5, w: 6, h: 2 } };
      const cases: [unknown, number][] = [
        [[good, { widgetId: '0190a5a0-0000-7000-8000-000000000000', position: { x: 0, y: 0, w: 1, h: 1 } }], 404],
        [[good, { widgetId: elsewhere.id, position: { x: 0, y: 0, w: 1, h: 1 } }], 404],
        [[good, { widgetId: foreign.id, position: { x: 0, y: 0, w: 1, h: 1 } }], 404],
        [[good, { widgetId: a.id, position: { x: 0, y: 1, w: 1, h: 1 } }], 400],
        [[good, { widgetId: elsewhere.id, position: { x: 10, y: 0, w: 6, h: 1 } }], 400],
        [[good, { widgetId: elsewhere.id, position: { x: -1, y: 0, w: 1, h: 1 } }], 400],
        [[good, { widgetId: elsewhere.id, position: { x: 0, y: 0, w: 1, h: 1 }, extra: 1 }], 400],
        [[good, 'not an item'], 400],
        [[good, null], 400],
        [[], 400],
        [{ widgetId: a.id, position: good.position }, 400],
        [Array.from({ length: 101 }, () => good), 400],
      ];
      for (const [body, status] of cases) {
        const response = await api()
          .patch(`/api/dashboards/${dashboard.id}/layout`)
          .set(alice)
          .send(body as object);
        expect([JSON.stringify(body).slice(0, 80), response.status]).toEqual([JSON.stringify(body).slice(0, 80), status]);
      }
      const read = await api().get(`/api/dashboards/${dashboard.id}`).set(alice).expect(200);
      expect(read.body).toMatchObject({ version: 2, widgets: [{ id: a.id, position: { x: 0, y: 0, w: 6, h: 2 } }] });
      const errors = await api()
        .patch(`/api/dashboards/${dashboard.id}/layout`)
        .set(alice)
        .send([good, { widgetId: a.id, position: { x: 0, y: 0, w: 1, h: 'x' } }])
        .expect(400);
      expect(errorFields(errors.body)).toEqual(['1.position.h']);
    });

    it('lets one of two concurrent conditional layout batches win', async () => {
      const dashboard = await createDashboard(testApp, alice);
      const a = await createWidget(testApp, alice, dashboard.id);
      const responses = await Promise.all(
        [1, 2].map((y) =>
          api()
            .patch(`/api/dashboards/${dashboard.id}/layout`)
            .set(alice)
            .set('If-Match', '"2"')
            .send([{ widgetId: a.id, position: { x: 0, y, w: 1, h: 1 } }]),
        ),
      );
      expect(responses.map((response) => response.status).sort()).toEqual([200, 412]);
      expect(await version(dashboard.id)).toBe(3);
    });
  });

  describe('drafts (widgets saved without a query while being built)', () => {
    const types = ['metric', 'table', 'bar_chart', 'line_chart', 'area_chart', 'pie_chart', 'scatter_chart'];

    it.each(types)('saves a %s without a query (absent or null) as a draft, marked in every read', async (type) => {
      const board = await createDashboard(testApp, alice, { allowedViewers: ['vic'] });
      const absent = await api()
        .post(`/api/dashboards/${board.id}/widgets`)
        .set(alice)
        .send({ type, title: 'WIP', position: { x: 0, y: 0, w: 4, h: 2 } })
        .expect(201);
      expect(absent.body).toMatchObject({ type, query: null, draft: true });
      const nulled = await api()
        .post(`/api/dashboards/${board.id}/widgets`)
        .set(alice)
        .send({ type, title: 'WIP 2', query: null, position: { x: 4, y: 0, w: 4, h: 2 } })
        .expect(201);
      expect(nulled.body).toMatchObject({ query: null, draft: true });
      expect((await api().get(`/api/widgets/${absent.body.id}`).set(viewer).expect(200)).body).toMatchObject({ draft: true });
      const read = await api().get(`/api/dashboards/${board.id}`).set(viewer).expect(200);
      expect(read.body.widgets.map((widget: { draft: boolean }) => widget.draft)).toEqual([true, true]);
    });

    it('finishes a draft by giving it a query, turns a chart back into a draft with query: null, and never calls a text widget a draft', async () => {
      const board = await createDashboard(testApp, alice);
      const widget = await createWidget(testApp, alice, board.id, { query: undefined });
      expect(widget).toMatchObject({ draft: true });
      const finished = await api().patch(`/api/widgets/${widget.id}`).set(alice).send({ query: SALES_QUERY }).expect(200);
      expect(finished.body).toMatchObject({ query: SALES_QUERY, draft: false });
      const again = await api().patch(`/api/widgets/${widget.id}`).set(alice).send({ query: null }).expect(200);
      expect(again.body).toMatchObject({ query: null, draft: true });
      const text = await createWidget(testApp, alice, board.id, { type: 'text', query: null, position: { x: 6, y: 0, w: 6, h: 2 } });
      expect(text).toMatchObject({ draft: false });
      // A draft's query is still checked in full when it comes.
      const bad = await api()
        .patch(`/api/widgets/${widget.id}`)
        .set(alice)
        .send({ query: { ...SALES_QUERY, columns: [] } })
        .expect(400);
      expect(errorFields(bad.body)).toContain('query.columns');
    });

    it('keeps drafts in the history like any widget, and a version read marks them', async () => {
      const board = await createDashboard(testApp, alice);
      const draft = await createWidget(testApp, alice, board.id, { query: null, title: 'Draft' });
      await api().patch(`/api/widgets/${draft.id}`).set(alice).send({ query: SALES_QUERY }).expect(200);
      const kept = await api().get(`/api/dashboards/${board.id}/versions/2`).set(alice).expect(200);
      expect(kept.body.dashboard.widgets).toEqual([expect.objectContaining({ id: draft.id, query: null, draft: true })]);
      const restored = await api().post(`/api/dashboards/${board.id}/versions/2/restore`).set(alice).expect(200);
      expect(restored.body.widgets).toEqual([expect.objectContaining({ id: draft.id, query: null, draft: true })]);
    });
  });

  describe('aggregation names', () => {
    it('accepts them in any case and stores them in lower case', async () => {
      const board = await createDashboard(testApp, alice);
      const columns = [
        { table: 'o', column: 'region' },
        { table: 'o', column: 'amount', aggregation: 'SUM', alias: 'total' },
        { table: 'o', column: 'id', aggregation: 'Count_Distinct', alias: 'orders' },
        { table: 'o', column: '*', aggregation: 'COUNT', alias: 'n' },
      ];
      const created = await createWidget(testApp, alice, board.id, { query: { ...SALES_QUERY, columns } });
      const stored = ['none', 'sum', 'count_distinct', 'count'];
      const aggregations = (query: { columns: { aggregation?: string }[] }) => query.columns.map((column) => column.aggregation ?? 'none');
      expect(aggregations(created.query as never)).toEqual(stored);
      expect(aggregations((await api().get(`/api/dashboards/${board.id}`).set(alice)).body.widgets[0].query)).toEqual(stored);
      const patched = await api()
        .patch(`/api/widgets/${created.id}`)
        .set(alice)
        .send({ query: { ...SALES_QUERY, columns: [{ table: 'o', column: 'amount', aggregation: 'Max' }] } })
        .expect(200);
      expect(patched.body.query.columns[0].aggregation).toBe('max');
    });

    it('still refuses an unknown one, in any case', async () => {
      const board = await createDashboard(testApp, alice);
      const response = await api()
        .post(`/api/dashboards/${board.id}/widgets`)
        .set(alice)
        .send({ ...valid, query: { ...SALES_QUERY, columns: [{ table: 'o', column: 'amount', aggregation: 'MEDIAN' }] } })
        .expect(400);
      expect(errorFields(response.body)).toContain('query.columns.0.aggregation');
    });
  });
});

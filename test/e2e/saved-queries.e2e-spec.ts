import request from 'supertest';
import { errorFields, SALES_QUERY } from '../support/dashboards.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

describe('saved queries and schema config', () => {
  let testApp: TestApp;
  const alice = bearer(tokenFor({ tenant: 'queries', sub: 'alice' }));
  const bob = bearer(tokenFor({ tenant: 'queries', sub: 'bob' }));
  const admin = bearer(tokenFor({ tenant: 'queries', sub: 'ada', roles: ['admin'] }));
  const api = () => request(testApp.server);

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  describe('saved queries', () => {
    it('creates, lists, reads, updates and deletes; the owner comes from the token', async () => {
      const created = await api()
        .post('/api/saved-queries')
        .set(alice)
        .send({ name: 'Revenue by region', description: 'Paid only', query: SALES_QUERY })
        .expect(201);
      expect(created.headers.location).toBe(`/api/saved-queries/${created.body.id}`);
      expect(created.body).toMatchObject({ name: 'Revenue by region', description: 'Paid only', query: SALES_QUERY, ownerId: 'alice' });
      expect((await api().get(`/api/saved-queries/${created.body.id}`).set(bob).expect(200)).body).toEqual(created.body);
      const updated = await api()
        .patch(`/api/saved-queries/${created.body.id}`)
        .set(alice)
        .send({ description: null, query: { ...SALES_QUERY, limit: 5 } })
        .expect(200);
      expect(updated.body).toMatchObject({ description: null, query: { limit: 5 } });
      await api().delete(`/api/saved-queries/${created.body.id}`).set(alice).expect(204);
      await api().get(`/api/saved-queries/${created.body.id}`).set(alice).expect(404);
    });

    it('lets only the owner or an admin change or delete (403 for others)', async () => {
      const created = (await api().post('/api/saved-queries').set(alice).send({ name: 'Owned', query: SALES_QUERY }).expect(201)).body;
      await api().patch(`/api/saved-queries/${created.id}`).set(bob).send({ name: 'Mine now' }).expect(403);
      await api().delete(`/api/saved-queries/${created.id}`).set(bob).expect(403);
      await api().patch(`/api/saved-queries/${created.id}`).set(admin).send({ name: 'Renamed by admin' }).expect(200);
      await api().delete(`/api/saved-queries/${created.id}`).set(admin).expect(204);
    });

    it('refuses a duplicate name in the tenant with 409', async () => {
      await api().post('/api/saved-queries').set(alice).send({ name: 'Twice', query: SALES_QUERY }).expect(201);
      const duplicate = await api().post('/api/saved-queries').set(bob).send({ name: 'Twice', query: SALES_QUERY }).expect(409);
      expect(duplicate.body.errors).toEqual([{ field: 'name', messages: ['already taken'] }]);
      const other = (await api().post('/api/saved-queries').set(bob).send({ name: 'Once', query: SALES_QUERY }).expect(201)).body;
      await api().patch(`/api/saved-queries/${other.id}`).set(bob).send({ name: 'Twice' }).expect(409);
    });

    it.each([
      ['no name', { name: undefined }, 'name'],
      ['a null query', { query: null }, 'query'],
      ['an invalid query', { query: { tables: [] } }, 'query.tables'],
      ['an ownerId', { ownerId: 'x' }, 'ownerId'],
      ['a long description', { description: 'd'.repeat(10_001) }, 'description'],
    ])('refuses %s with a 400 naming the field', async (_case, body, field) => {
      const response = await api()
        .post('/api/saved-queries')
        .set(alice)
        .send({ name: 'Invalid', query: SALES_QUERY, ...body })
        .expect(400);
      expect(errorFields(response.body)).toContain(field);
    });

    it('lists newest first with cursors, by owner and name', async () => {
      const lister = bearer(tokenFor({ tenant: 'query-list', sub: 'lee' }));
      for (const name of ['Alpha', 'Beta', 'Gamma'])
        await api().post('/api/saved-queries').set(lister).send({ name, query: SALES_QUERY }).expect(201);
      const first = await api().get('/api/saved-queries?limit=2').set(lister).expect(200);
      expect(first.body.items.map((item: { name: string }) => item.name)).toEqual(['Gamma', 'Beta']);
      const second = await api().get(`/api/saved-queries?limit=2&cursor=${first.body.nextCursor}`).set(lister).expect(200);
      expect(second.body).toMatchObject({ items: [{ name: 'Alpha' }], nextCursor: null });
      expect((await api().get('/api/saved-queries?q=ET').set(lister)).body.items.map((item: { name: string }) => item.name)).toEqual([
        'Beta',
      ]);
      expect((await api().get('/api/saved-queries?ownerId=someone-else').set(lister)).body.items).toEqual([]);
    });

    it('counts what the list with the same filters holds, and only the tenant’s own', async () => {
      const counter = bearer(tokenFor({ tenant: 'query-count', sub: 'cat' }));
      const colleague = bearer(tokenFor({ tenant: 'query-count', sub: 'col' }));
      const stranger = bearer(tokenFor({ tenant: 'query-count-other', sub: 'cat' }));
      const count = async (query: string, as = counter) =>
        (await api().get(`/api/saved-queries/count?${query}`).set(as).expect(200)).body as { count: number };
      expect(await count('')).toEqual({ count: 0 });
      for (const name of ['Revenue', 'Revenue by week', '50%_off'])
        await api().post('/api/saved-queries').set(counter).send({ name, query: SALES_QUERY }).expect(201);
      await api().post('/api/saved-queries').set(colleague).send({ name: 'Churn', query: SALES_QUERY }).expect(201);
      // Same names and owner id in another tenant: never counted here.
      for (const name of ['Revenue', 'Churn'])
        await api().post('/api/saved-queries').set(stranger).send({ name, query: SALES_QUERY }).expect(201);
      expect(await count('')).toEqual({ count: 4 });
      expect(await count('ownerId=cat')).toEqual({ count: 3 });
      expect(await count('q=revenue')).toEqual({ count: 2 });
      expect(await count('q=revenue&ownerId=col')).toEqual({ count: 0 });
      // % and _ are literal characters of the name, not wildcards.
      expect(await count(`q=${encodeURIComponent('%_')}`)).toEqual({ count: 1 });
      expect(await count(`q=${encodeURIComponent('_')}`)).toEqual({ count: 1 });
      for (const filters of ['', 'ownerId=cat', 'q=revenue', 'q=CHURN', 'ownerId=nobody']) {
        const listed = (await api().get(`/api/saved-queries?limit=200&${filters}`).set(counter).expect(200)).body.items.length;
        expect({ filters, ...(await count(filters)) }).toEqual({ filters, count: listed });
      }
      expect(await count('', stranger)).toEqual({ count: 2 });
      expect(await count('ownerId=cat', stranger)).toEqual({ count: 2 });
    });

    it('refuses paging parameters and blank or long filters on the count with a 400 naming them', async () => {
      for (const [query, field] of [
        ['limit=5', 'limit'],
        ['cursor=abc', 'cursor'],
        ['q=', 'q'],
        [`ownerId=${'o'.repeat(256)}`, 'ownerId'],
      ]) {
        const response = await api().get(`/api/saved-queries/count?${query}`).set(alice).expect(400);
        expect(errorFields(response.body).concat(JSON.stringify(response.body))).toEqual(
          expect.arrayContaining([expect.stringContaining(field)]),
        );
      }
    });
  });

  describe('schema config', () => {
    const schemaAdmin = bearer(tokenFor({ tenant: 'schema', sub: 'root', roles: ['admin'] }));
    const schemaUser = bearer(tokenFor({ tenant: 'schema', sub: 'user' }));
    const tables = [
      { name: 'orders', displayName: 'Orders', columns: [{ name: 'region' }, { name: 'amount', type: 'numeric' }, { name: 'status' }] },
    ];

    it('is empty before the first PUT, replaced by admins only, conditional on its version', async () => {
      const empty = await api().get('/api/schema-config').set(schemaUser).expect(200);
      expect(empty.headers.etag).toBe('"0"');
      expect(empty.body).toEqual({ tables: [], version: 0, updatedBy: null, updatedAt: null });
      await api().put('/api/schema-config').set(schemaUser).send({ tables }).expect(403);
      await api().put('/api/schema-config').set(schemaAdmin).set('If-Match', '"1"').send({ tables }).expect(412);
      const saved = await api().put('/api/schema-config').set(schemaAdmin).set('If-Match', '"0"').send({ tables }).expect(200);
      expect(saved.headers.etag).toBe('"1"');
      expect(saved.body).toMatchObject({ tables, version: 1, updatedBy: 'root' });
      expect((await api().get('/api/schema-config').set(schemaUser).expect(200)).body).toEqual(saved.body);
      await api().put('/api/schema-config').set(schemaAdmin).send({ tables, version: 0 }).expect(412);
      await api()
        .put('/api/schema-config')
        .set(schemaAdmin)
        .send({ tables: [{ name: 'bad name', columns: [] }] })
        .expect(400);
      await api()
        .put('/api/schema-config')
        .set(schemaAdmin)
        .send({ tables: [{ name: 'orders', columns: [], extra: 1 }] })
        .expect(400);
      await api().put('/api/schema-config').set(schemaAdmin).send({}).expect(400);
      expect((await api().get('/api/schema-config').set(schemaUser)).body.version).toBe(1);
    });

    it('saves both of two first configurations sent at once without a precondition', async () => {
      const racing = bearer(tokenFor({ tenant: 'schema-race', sub: 'root', roles: ['admin'] }));
      const responses = await Promise.all([tables, []].map((body) => api().put('/api/schema-config').set(racing).send({ tables: body })));
      expect(responses.map((response) => response.status)).toEqual([200, 200]);
      expect(responses.map((response) => response.body.version).sort()).toEqual([1, 2]);
    });

    it('once set, limits the tables and columns that widget and saved queries may name', async () => {
      const refused = await api()
        .post('/api/saved-queries')
        .set(schemaUser)
        .send({ name: 'Unknown column', query: { ...SALES_QUERY, columns: [{ table: 'o', column: 'secret' }] } })
        .expect(400);
      expect(refused.body.errors).toEqual([
        { field: 'query.columns.0.column', messages: ["column secret of o is not in the tenant's schema configuration"] },
      ]);
      const unknownTable = await api()
        .post('/api/saved-queries')
        .set(schemaUser)
        .send({ name: 'Unknown table', query: { tables: [{ table: 'users' }], columns: [{ table: 'users', column: 'id' }] } })
        .expect(400);
      expect(errorFields(unknownTable.body)).toEqual(['query.tables.0.table']);
      await api().post('/api/saved-queries').set(schemaUser).send({ name: 'Known', query: SALES_QUERY }).expect(201);
      const dashboard = (await api().post('/api/dashboards').set(schemaUser).send({ name: 'Schema board' }).expect(201)).body;
      await api()
        .post(`/api/dashboards/${dashboard.id}/widgets`)
        .set(schemaUser)
        .send({
          type: 'table',
          title: 'x',
          query: { tables: [{ table: 'users' }], columns: [{ table: 'users', column: 'id' }] },
          position: { x: 0, y: 0, w: 1, h: 1 },
        })
        .expect(400);
    });
  });
});

import request from 'supertest';
import { DashboardsService } from '../../src/modules/dashboards/dashboards.service.js';
import { ListDashboardsQuery } from '../../src/modules/dashboards/dto/list-dashboards.query.js';
import { principalOf } from '../../src/platform/auth/principal.js';
import { TenantScope } from '../../src/platform/tenancy/tenant-scope.js';
import { createDashboard, errorFields } from '../support/dashboards.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { withAdminClient } from '../support/test-database.js';
import { bearer, tokenFor } from '../support/tokens.js';

/** allowedViewers is a text[] bound as an array of string literals: every user id is kept and compared exactly. */
describe('dashboard viewers, exactly as given', () => {
  let testApp: TestApp;
  const tenant = 'viewers';
  const owner = bearer(tokenFor({ tenant, sub: 'owen' }));
  const api = () => request(testApp.server);
  /** Ids an array literal would change: trimmed, NULL, split, unquoted. */
  const oddIds = [' alice ', 'null', 'NULL', 'a,b', '{x}', 'quo"te', 'back\\slash', "it's", 'tab\tinside'];

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  const storedViewers = (id: string) =>
    withAdminClient(
      async (client) =>
        (await client.query('select allowed_viewers, array_position(allowed_viewers, null) as null_at from dashboards where id = $1', [id]))
          .rows[0],
      testApp.database.name,
    );

  /** The dashboard ids the user's own list shows. */
  const listedFor = async (sub: string) =>
    (
      (
        await api()
          .get('/api/dashboards')
          .set(bearer(tokenFor({ tenant, sub })))
          .expect(200)
      ).body.items as { id: string }[]
    ).map((item) => item.id);

  it('stores, returns and updates odd user ids unchanged, none of them NULL', async () => {
    const created = await createDashboard(testApp, owner, { allowedViewers: oddIds });
    expect(created.allowedViewers).toEqual(oddIds);
    expect((await api().get(`/api/dashboards/${created.id}`).set(owner).expect(200)).body.allowedViewers).toEqual(oddIds);
    expect(await storedViewers(created.id)).toEqual({ allowed_viewers: oddIds, null_at: null });

    const reversed = [...oddIds].reverse();
    await api().patch(`/api/dashboards/${created.id}`).set(owner).send({ allowedViewers: reversed }).expect(200);
    expect(await storedViewers(created.id)).toEqual({ allowed_viewers: reversed, null_at: null });
    const version = await api().get(`/api/dashboards/${created.id}/versions/1`).set(owner).expect(200);
    expect(version.body.dashboard.allowedViewers).toEqual(oddIds);
  });

  it('shows a dashboard to exactly the ids it names, in lists and reads', async () => {
    const forNull = await createDashboard(testApp, owner, { allowedViewers: ['null'] });
    const forSpacedAlice = await createDashboard(testApp, owner, { allowedViewers: [' alice '] });
    expect(await listedFor('null')).toContain(forNull.id);
    await api()
      .get(`/api/dashboards/${forNull.id}`)
      .set(bearer(tokenFor({ tenant, sub: 'null' })))
      .expect(200);
    expect(await listedFor('NULL')).not.toContain(forNull.id);
    expect(await listedFor('alice')).not.toContain(forSpacedAlice.id);
    await api()
      .get(`/api/dashboards/${forSpacedAlice.id}`)
      .set(bearer(tokenFor({ tenant, sub: 'alice' })))
      .expect(404);
  });

  it('compares the caller’s own id exactly too (an in-process caller whose id has spaces)', async () => {
    const forAlice = await createDashboard(testApp, owner, { allowedViewers: ['alice'] });
    const forSpacedAlice = await createDashboard(testApp, owner, { allowedViewers: [' alice '] });
    const listed = await testApp.app
      .get(TenantScope)
      .run(principalOf(tenant, ' alice ', []), () =>
        testApp.app.get(DashboardsService).list(Object.assign(new ListDashboardsQuery(), { limit: 200 })),
      );
    const ids = listed.items.map((item) => item.id);
    expect(ids).toContain(forSpacedAlice.id);
    expect(ids).not.toContain(forAlice.id);
  });

  it.each([
    ['a blank id', ['  ']],
    ['an empty id', ['']],
    ['null', [null]],
    ['a 256-character id', ['x'.repeat(256)]],
  ])('refuses %s among the viewers with a 400', async (_case, allowedViewers) => {
    const response = await api().post('/api/dashboards').set(owner).send({ name: 'Bad viewers', allowedViewers }).expect(400);
    expect(errorFields(response.body)).toContain('allowedViewers');
  });
});

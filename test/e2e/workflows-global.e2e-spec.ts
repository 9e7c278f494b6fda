import request from 'supertest';
import { type Catalog, CatalogRefusal, importCatalog, inCatalogTransaction, removeEntry } from '../../scripts/catalog.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { withAdminClient } from '../support/test-database.js';
import { bearer, tokenFor } from '../support/tokens.js';

const TEMPLATE = 'template.refresh';
const catalog = (...steps: string[]): Catalog => ({
  assets: [],
  workflows: [
    { name: TEMPLATE, description: 'Refresh a table', definition: { steps: steps.map((name) => ({ name })), schedule: '@hourly' } },
  ],
});

describe('executions of global workflow templates (HTTP)', () => {
  let testApp: TestApp;
  const ann = bearer(tokenFor({ tenant: 'templates-a', sub: 'ann' }));
  const ben = bearer(tokenFor({ tenant: 'templates-b', sub: 'ben' }));
  const api = () => request(testApp.server);
  const start = async (auth: Record<string, string>, body: object = {}) => {
    const answer = await api().post(`/api/workflows/${TEMPLATE}/executions`).set(auth).send(body).expect(201);
    expect(answer.headers.location).toBe(`/api/workflow-executions/${answer.body.id}`);
    return answer.body as { id: string; version: number; state: string; workflowId: string; workflowGlobal: boolean };
  };
  const listed = async (auth: Record<string, string>, query = '') =>
    (await api().get(`/api/workflows/${TEMPLATE}/executions${query}`).set(auth).expect(200)).body.items.map(
      (item: { id: string }) => item.id,
    );
  const count = async (auth: Record<string, string>, query = '') =>
    (await api().get(`/api/workflow-executions/count${query}`).set(auth).expect(200)).body.count;
  const audited = (sql: string, values: unknown[]) =>
    withAdminClient(async (client) => (await client.query(sql, values)).rows, testApp.database.name);

  beforeAll(async () => {
    testApp = await startTestApp();
    await inCatalogTransaction(testApp.database.ownerUrl, (client) => importCatalog(client, catalog('refresh')));
  });
  afterAll(() => testApp.close());

  it('lets two tenants run the same template, each execution its own tenant’s: listed, counted, read and moved by it alone', async () => {
    const template = (await api().get(`/api/workflows/${TEMPLATE}`).set(ann).expect(200)).body;
    const annRun = await start(ann, { parameters: { table: 'orders' } });
    expect(annRun).toMatchObject({
      workflowId: template.id,
      workflowName: TEMPLATE,
      workflowGlobal: true,
      version: 1,
      state: 'pending',
      parameters: { table: 'orders' },
    });
    const benRuns = [await start(ben), await start(ben)];

    expect(await listed(ann)).toEqual([annRun.id]);
    expect(await listed(ben)).toEqual(benRuns.map((run) => run.id).reverse());
    expect(await count(ann, `?workflow=${TEMPLATE}`)).toBe(1);
    expect(await count(ben, `?workflow=${TEMPLATE}`)).toBe(2);
    expect(await count(ann)).toBe(1);
    expect(await count(ben, '?state=pending')).toBe(2);

    // Another tenant's execution of the same template is not there for ann: 404 on every route.
    for (const benRun of benRuns) {
      expect((await api().get(`/api/workflow-executions/${benRun.id}`).set(ann).expect(404)).body.code).toBe(
        'WORKFLOW_EXECUTION_NOT_FOUND',
      );
      await api().post(`/api/workflow-executions/${benRun.id}/transitions`).set(ann).send({ to: 'cancelled' }).expect(404);
    }
    expect((await api().get(`/api/workflow-executions/${benRuns[0].id}`).set(ben).expect(200)).body.state).toBe('pending');

    // Through the same state machine.
    const move = (id: string, body: object) => api().post(`/api/workflow-executions/${id}/transitions`).set(ann).send(body);
    expect((await move(annRun.id, { to: 'running' }).expect(200)).body).toMatchObject({
      state: 'running',
      workflowGlobal: true,
      startedAt: expect.stringMatching(/Z$/),
    });
    const refused = (await move(annRun.id, { to: 'pending' }).expect(409)).body;
    expect(refused).toMatchObject({ code: 'WORKFLOW_EXECUTION_TRANSITION_NOT_ALLOWED', currentState: 'running' });
    await move(annRun.id, { to: 'failed' }).expect(400);
    expect((await move(annRun.id, { to: 'failed', errorMessage: 'Table locked' }).expect(200)).body).toMatchObject({
      state: 'failed',
      errorMessage: 'Table locked',
    });
    expect(await listed(ann, '?state=failed')).toEqual([annRun.id]);
    expect(await listed(ben, '?state=failed')).toEqual([]);

    // Audited in the running tenant's trail, never the catalogue's.
    const entries = await audited(
      "select distinct tenant_id from audit_entries where resource_type = 'workflow_execution' and resource_id = $1",
      [annRun.id],
    );
    expect(entries).toEqual([{ tenant_id: 'templates-a' }]);
  });

  it('runs the version asked for (the latest by default), and refuses one the template does not have', async () => {
    await inCatalogTransaction(testApp.database.ownerUrl, (client) => importCatalog(client, catalog('refresh', 'vacuum')));
    expect((await start(ann)).version).toBe(2);
    expect((await start(ann, { version: 1 })).version).toBe(1);
    expect((await api().post(`/api/workflows/${TEMPLATE}/executions`).set(ann).send({ version: 7 }).expect(404)).body.code).toBe(
      'WORKFLOW_VERSION_NOT_FOUND',
    );
    expect(await listed(ann, '?version=1')).toHaveLength(2);
    // Still a template: never changed through the API.
    await api()
      .put(`/api/workflows/${TEMPLATE}`)
      .set(ann)
      .send({ definition: { steps: [{ name: 'x' }] } })
      .expect(403);
    await api().delete(`/api/workflows/${TEMPLATE}`).set(ann).expect(403);
  });

  it('runs a tenant’s own workflow of the template’s name instead, as reads do', async () => {
    const own = (
      await api()
        .post('/api/workflows')
        .set(ben)
        .send({ name: TEMPLATE, definition: { steps: [{ name: 'mine' }] } })
        .expect(201)
    ).body;
    expect(own.global).toBe(false);
    const run = await start(ben);
    expect(run).toMatchObject({ workflowId: own.id, workflowGlobal: false, version: 1 });
    // The name now reads as ben's own workflow: its executions, not the template's.
    expect(await listed(ben)).toEqual([run.id]);
    expect(await count(ben, `?workflow=${TEMPLATE}`)).toBe(1);
    expect(await count(ben)).toBe(3);
    // Ann still runs the template.
    expect((await start(ann)).workflowGlobal).toBe(true);
    await api().delete(`/api/workflows/${TEMPLATE}`).set(ben).expect(204);
    // With ben's own workflow gone, the name is the template's again, and his runs of it are back.
    expect(await listed(ben)).toHaveLength(2);
  });

  it('is refused removal from the catalogue while tenants ran it, unless their executions go too, each in its tenant’s name', async () => {
    const annCount = await count(ann);
    expect(annCount).toBeGreaterThan(0);
    await expect(inCatalogTransaction(testApp.database.ownerUrl, (client) => removeEntry(client, 'workflow', TEMPLATE))).rejects.toThrow(
      CatalogRefusal,
    );
    await expect(inCatalogTransaction(testApp.database.ownerUrl, (client) => removeEntry(client, 'workflow', TEMPLATE))).rejects.toThrow(
      new RegExp(`${annCount + 2} executions in 2 tenants.*--with-executions`),
    );
    await api().get(`/api/workflows/${TEMPLATE}`).set(ann).expect(200);

    expect(
      await inCatalogTransaction(testApp.database.ownerUrl, (client) =>
        removeEntry(client, 'workflow', TEMPLATE, { withExecutions: true }),
      ),
    ).toBe(true);
    await api().get(`/api/workflows/${TEMPLATE}`).set(ann).expect(404);
    expect(await count(ann)).toBe(0);
    expect(await count(ben)).toBe(0);
    const deletions = await audited(
      "select tenant_id, actor_id, count(*)::int as n from audit_entries where action = 'workflow_execution.delete' and actor_id = $1 group by 1, 2 order by 1",
      ['service:catalog'],
    );
    expect(deletions).toEqual([
      { tenant_id: 'templates-a', actor_id: 'service:catalog', n: annCount },
      { tenant_id: 'templates-b', actor_id: 'service:catalog', n: 2 },
    ]);
  });
});

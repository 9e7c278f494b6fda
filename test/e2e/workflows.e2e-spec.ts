import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

describe('workflows and executions (HTTP)', () => {
  let testApp: TestApp;
  const wendy = bearer(tokenFor({ tenant: 'workflows-a', sub: 'wendy' }));
  const xavier = bearer(tokenFor({ tenant: 'workflows-b', sub: 'xavier' }));
  const api = () => request(testApp.server);
  const ids: Record<string, string> = {};
  const name = (id: string) => Object.entries(ids).find(([, value]) => value === id)?.[0];
  const definition = (...steps: string[]) => ({
    steps: steps.map((step, index) => ({ name: step, ...(index > 0 && { dependsOn: [steps[index - 1]] }) })),
    schedule: '@daily',
  });

  beforeAll(async () => {
    testApp = await startTestApp();
    for (const asset of ['raw', 'clean', 'report', 'extra']) {
      ids[asset] = (await api().post('/api/assets').set(wendy).send({ name: asset, assetType: 'table' }).expect(201)).body.id;
    }
  });
  afterAll(() => testApp.close());

  const lineageEdges = async (of: string) =>
    (await api().get(`/api/assets/${ids[of]}/lineage?direction=downstream`).set(wendy).expect(200)).body.edges
      .map((edge: { upstreamId: string; downstreamId: string }) => `${name(edge.upstreamId)}→${name(edge.downstreamId)}`)
      .sort();

  it('creates version 1, writes the next version on a changed PUT, and keeps the old ones readable', async () => {
    const created = await api()
      .post('/api/workflows')
      .set(wendy)
      .send({ name: 'orders.nightly', definition: definition('extract', 'load'), inputs: [ids.raw], outputs: [ids.clean] })
      .expect(201);
    expect(created.headers.location).toBe('/api/workflows/orders.nightly');
    expect(created.body).toMatchObject({
      name: 'orders.nightly',
      version: 1,
      latestVersion: 1,
      inputs: [ids.raw],
      outputs: [ids.clean],
      createdBy: 'wendy',
      description: null,
    });
    expect(await lineageEdges('raw')).toEqual(['raw→clean']);

    const same = await api()
      .put('/api/workflows/orders.nightly')
      .set(wendy)
      .send({ definition: definition('extract', 'load'), inputs: [ids.raw], outputs: [ids.clean] })
      .expect(200);
    expect(same.body.version).toBe(1);

    const next = await api()
      .put('/api/workflows/orders.nightly')
      .set(wendy)
      .send({ definition: definition('extract', 'transform', 'load'), inputs: [ids.clean], outputs: [ids.report, ids.extra] })
      .expect(201);
    expect(next.body).toMatchObject({ version: 2, latestVersion: 2 });
    // The edges follow the latest declaration: raw → clean is gone.
    expect(await lineageEdges('raw')).toEqual([]);
    expect(await lineageEdges('clean')).toEqual(['clean→extra', 'clean→report']);

    const v1 = (await api().get('/api/workflows/orders.nightly/versions/1').set(wendy).expect(200)).body;
    expect(v1).toMatchObject({ version: 1, latestVersion: 2, definition: definition('extract', 'load'), inputs: [ids.raw] });
    expect((await api().get('/api/workflows/orders.nightly').set(wendy).expect(200)).body.version).toBe(2);
    const versions = (await api().get('/api/workflows/orders.nightly/versions?limit=1').set(wendy).expect(200)).body;
    expect(versions.items.map((item: { version: number }) => item.version)).toEqual([2]);
    const rest = (await api().get(`/api/workflows/orders.nightly/versions?limit=1&cursor=${versions.nextCursor}`).set(wendy).expect(200))
      .body;
    expect(rest).toMatchObject({ items: [{ version: 1 }], nextCursor: null });
    await api().get('/api/workflows/orders.nightly/versions/3').set(wendy).expect(404);
  });

  it('refuses a taken name, a malformed definition, unknown or foreign assets, and a derived edge’s deletion', async () => {
    expect(
      (
        await api()
          .post('/api/workflows')
          .set(wendy)
          .send({ name: 'orders.nightly', definition: definition('a') })
          .expect(409)
      ).body.code,
    ).toBe('WORKFLOW_NAME_TAKEN');
    const refused = async (body: object, field: string) => {
      const response = await api()
        .post('/api/workflows')
        .set(wendy)
        .send({ name: 'refused', definition: definition('a'), ...body })
        .expect(400);
      expect(response.body.errors.map((error: { field: string }) => error.field).join()).toContain(field);
    };
    await refused({ definition: { steps: [] } }, 'definition');
    await refused(
      {
        definition: {
          steps: [
            { name: 'a', dependsOn: ['b'] },
            { name: 'b', dependsOn: ['a'] },
          ],
        },
      },
      'definition.steps',
    );
    await refused({ definition: { steps: [{ name: 'a', shell: 'rm -rf /' }] } }, 'definition');
    await refused({ inputs: ['0190a5a0-0000-7000-8000-000000000000'] }, 'inputs');
    const foreign = (await api().post('/api/assets').set(xavier).send({ name: 'foreign', assetType: 'table' }).expect(201)).body.id;
    await refused({ outputs: [foreign] }, 'outputs');
    await api()
      .post('/api/workflows')
      .set(wendy)
      .send({ name: 'bad/name', definition: definition('a') })
      .expect(400);
    expect((await api().get('/api/workflows/bad%20name').set(wendy).expect(400)).body).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'name' }],
    });

    const derived = (await api().get(`/api/assets/${ids.report}/dependencies?direction=upstream`).set(wendy).expect(200)).body.items[0];
    expect(derived.workflowId).toEqual(expect.any(String));
    expect((await api().delete(`/api/assets/${ids.report}/dependencies/${derived.id}`).set(wendy).expect(409)).body).toMatchObject({
      code: 'ASSET_DEPENDENCY_DERIVED',
      workflowId: expect.any(String),
    });
    // An asset a workflow version declares cannot go.
    await api().delete(`/api/assets/${ids.report}`).set(wendy).expect(409);
  });

  it('shows the impact of an asset: downstream assets and the workflows reading or producing them', async () => {
    const impact = (await api().get(`/api/assets/${ids.clean}/impact`).set(wendy).expect(200)).body;
    expect(impact.assets.map((asset: { name: string; depth: number }) => `${asset.name}:${asset.depth}`).sort()).toEqual([
      'extra:1',
      'report:1',
    ]);
    expect(impact.workflows).toEqual([
      { id: expect.any(String), name: 'orders.nightly', version: 2, reads: [ids.clean], produces: [ids.extra, ids.report].sort() },
    ]);
    expect(impact.truncated).toBe(false);
    await api().get(`/api/assets/${ids.clean}/impact`).set(xavier).expect(404);
  });

  it('runs executions through every state, refusing illegal moves with the allowed states', async () => {
    const start = async (body: object = {}) =>
      (await api().post('/api/workflows/orders.nightly/executions').set(wendy).send(body).expect(201)).body;
    const move = (id: string, body: object) => api().post(`/api/workflow-executions/${id}/transitions`).set(wendy).send(body);

    const succeeded = await start({ parameters: { date: '2026-12-01' } });
    expect(succeeded).toMatchObject({
      state: 'pending',
      version: 2,
      workflowName: 'orders.nightly',
      parameters: { date: '2026-12-01' },
      startedAt: null,
      completedAt: null,
    });
    const running = (await move(succeeded.id, { to: 'running' }).expect(200)).body;
    expect(running.startedAt).toEqual(expect.stringMatching(/Z$/));
    const done = (await move(succeeded.id, { to: 'succeeded' }).expect(200)).body;
    expect(done).toMatchObject({ state: 'succeeded', completedAt: expect.stringMatching(/Z$/) });
    const illegal = (await move(succeeded.id, { to: 'running' }).expect(409)).body;
    expect(illegal).toMatchObject({ code: 'WORKFLOW_EXECUTION_TRANSITION_NOT_ALLOWED', currentState: 'succeeded', allowedStates: [] });

    const failed = await start({ version: 1 });
    expect(failed.version).toBe(1);
    await move(failed.id, { to: 'running' }).expect(200);
    await move(failed.id, { to: 'failed' }).expect(400);
    expect((await move(failed.id, { to: 'failed', errorMessage: 'disk full' }).expect(200)).body).toMatchObject({
      state: 'failed',
      errorMessage: 'disk full',
    });

    const cancelled = await start();
    await move(cancelled.id, { to: 'cancelled', errorMessage: 'no' }).expect(400);
    expect((await move(cancelled.id, { to: 'succeeded' }).expect(409)).body).toMatchObject({
      currentState: 'pending',
      allowedStates: ['running', 'cancelled'],
    });
    await move(cancelled.id, { to: 'cancelled' }).expect(200);

    await api().post('/api/workflows/orders.nightly/executions').set(wendy).send({ version: 9 }).expect(404);
    await move(cancelled.id, { to: 'running' }).expect(409);

    const list = (await api().get('/api/workflows/orders.nightly/executions').set(wendy).expect(200)).body.items.map(
      (item: { id: string }) => item.id,
    );
    expect(list).toEqual([cancelled.id, failed.id, succeeded.id]);
    expect((await api().get('/api/workflows/orders.nightly/executions?state=failed').set(wendy).expect(200)).body.items).toHaveLength(1);
    expect((await api().get('/api/workflows/orders.nightly/executions?version=2').set(wendy).expect(200)).body.items).toHaveLength(2);
    expect((await api().get('/api/workflow-executions/count').set(wendy).expect(200)).body).toEqual({ count: 3 });
    expect((await api().get('/api/workflow-executions/count?state=cancelled').set(wendy).expect(200)).body).toEqual({ count: 1 });
    expect((await api().get('/api/workflow-executions/count?state=succeeded&workflow=orders.nightly').set(wendy).expect(200)).body).toEqual(
      { count: 1 },
    );
    expect((await api().get('/api/workflow-executions/count?workflow=nothing').set(wendy).expect(200)).body).toEqual({ count: 0 });

    // Another tenant sees none of it.
    await api().get(`/api/workflow-executions/${failed.id}`).set(xavier).expect(404);
    await move(failed.id, { to: 'cancelled' }).set(xavier).expect(404);
    await api().get('/api/workflows/orders.nightly').set(xavier).expect(404);
    expect((await api().get('/api/workflow-executions/count').set(xavier).expect(200)).body).toEqual({ count: 0 });
  });

  it('serialises racing transitions: of two clients starting one execution, exactly one wins', async () => {
    const execution = (await api().post('/api/workflows/orders.nightly/executions').set(wendy).send({}).expect(201)).body;
    const answers = await Promise.all(
      [1, 2].map(() => api().post(`/api/workflow-executions/${execution.id}/transitions`).set(wendy).send({ to: 'running' })),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    expect(answers.find((answer) => answer.status === 409)!.body).toMatchObject({ currentState: 'running' });
  });

  it('lists the latest version of each workflow, and deletes one with its versions, executions and edges', async () => {
    await api()
      .post('/api/workflows')
      .set(wendy)
      .send({ name: 'second', definition: definition('only'), inputs: [ids.raw], outputs: [ids.extra] })
      .expect(201);
    const listed = (await api().get('/api/workflows').set(wendy).expect(200)).body.items.map(
      (item: { name: string; version: number }) => `${item.name}@${item.version}`,
    );
    expect(listed).toEqual(['second@1', 'orders.nightly@2']);
    expect((await api().get('/api/workflows').set(xavier).expect(200)).body.items).toEqual([]);
    await api().delete('/api/workflows/orders.nightly').set(xavier).expect(404);

    await api().delete('/api/workflows/orders.nightly').set(wendy).expect(204);
    await api().get('/api/workflows/orders.nightly').set(wendy).expect(404);
    expect((await api().get('/api/workflow-executions/count?workflow=orders.nightly').set(wendy).expect(200)).body).toEqual({ count: 0 });
    expect(await lineageEdges('clean')).toEqual([]);
    expect(await lineageEdges('raw')).toEqual(['raw→extra']);
    await api().delete(`/api/assets/${ids.report}`).set(wendy).expect(204);
  });
});

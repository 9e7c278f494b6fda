import request from 'supertest';
import { createTask } from '../support/tasks.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

/**
 * A diamond: top depends on left and right, which both depend on base; root depends on top.
 *
 *        root → top → left  → base
 *                   → right → base
 */
describe('task dependencies and lineage', () => {
  let testApp: TestApp;
  const auth = bearer(tokenFor({ tenant: 'graph', sub: 'gus' }));
  const ids: Record<string, string> = {};
  const api = () => request(testApp.server);

  beforeAll(async () => {
    testApp = await startTestApp();
    ids.base = (await createTask(testApp, auth, { prompt: 'base' })).id;
    ids.left = (await createTask(testApp, auth, { prompt: 'left', dependsOn: [ids.base] })).id;
    ids.right = (await createTask(testApp, auth, { prompt: 'right', dependsOn: [ids.base] })).id;
    ids.top = (await createTask(testApp, auth, { prompt: 'top', dependsOn: [ids.left, ids.right] })).id;
    ids.root = (await createTask(testApp, auth, { prompt: 'root', dependsOn: [ids.top] })).id;
  });
  afterAll(() => testApp.close());

  const name = (id: string) => Object.entries(ids).find(([, value]) => value === id)?.[0];
  const lineage = async (of: string, query = '') => {
    const body = (await api().get(`/api/tasks/${ids[of]}/lineage${query}`).set(auth).expect(200)).body;
    return {
      nodes: body.nodes
        .map((node: { id: string; depth: number; direction: string }) => `${name(node.id)}:${node.direction}:${node.depth}`)
        .sort(),
      edges: body.edges.map((edge: { from: string; to: string }) => `${name(edge.from)}→${name(edge.to)}`).sort(),
    };
  };

  it('returns what a task depends on, transitively, each node once at its nearest depth', async () => {
    expect(await lineage('top', '?direction=upstream')).toEqual({
      nodes: ['base:upstream:2', 'left:upstream:1', 'right:upstream:1', 'top:self:0'],
      edges: ['left→base', 'right→base', 'top→left', 'top→right'],
    });
  });

  it('returns what depends on a task, and both directions', async () => {
    expect(await lineage('base', '?direction=downstream')).toEqual({
      nodes: ['base:self:0', 'left:downstream:1', 'right:downstream:1', 'root:downstream:3', 'top:downstream:2'],
      edges: ['left→base', 'right→base', 'root→top', 'top→left', 'top→right'],
    });
    expect((await lineage('left')).nodes).toEqual(['base:upstream:1', 'left:self:0', 'root:downstream:2', 'top:downstream:1']);
  });

  it('stops at maxDepth', async () => {
    expect(await lineage('root', '?direction=upstream&maxDepth=1')).toEqual({
      nodes: ['root:self:0', 'top:upstream:1'],
      edges: ['root→top'],
    });
    await api().get(`/api/tasks/${ids.root}/lineage?maxDepth=0`).set(auth).expect(400);
    await api().get(`/api/tasks/${ids.root}/lineage?maxDepth=21`).set(auth).expect(400);
    await api().get(`/api/tasks/${ids.root}/lineage?direction=sideways`).set(auth).expect(400);
  });

  it('returns dependsOn with each task, read alone or in a list', async () => {
    const top = (await api().get(`/api/tasks/${ids.top}`).set(auth)).body;
    expect(top.dependsOn).toEqual([ids.left, ids.right].sort());
    const listed = (await api().get('/api/tasks').set(auth)).body.items as { id: string; dependsOn: string[] }[];
    expect(listed.find((task) => task.id === ids.top)?.dependsOn).toEqual([ids.left, ids.right].sort());
    expect(listed.find((task) => task.id === ids.base)?.dependsOn).toEqual([]);
  });

  it('refuses a dependency that would close a cycle, naming it, and keeps the graph unchanged', async () => {
    const refused = await api()
      .patch(`/api/tasks/${ids.base}`)
      .set(auth)
      .send({ dependsOn: [ids.root] })
      .expect(409);
    expect(refused.body.cycle.map(name)).toEqual(['base', 'root', 'top', 'left', 'base']);
    await api()
      .patch(`/api/tasks/${ids.base}`)
      .set(auth)
      .send({ dependsOn: [ids.base] })
      .expect(409);
    expect((await api().get(`/api/tasks/${ids.base}`).set(auth)).body.dependsOn).toEqual([]);
  });

  it('accepts a new dependency that closes no cycle, replacing the old set', async () => {
    const extra = await createTask(testApp, auth, { prompt: 'extra' });
    const updated = await api()
      .patch(`/api/tasks/${ids.left}`)
      .set(auth)
      .send({ dependsOn: [extra.id] })
      .expect(200);
    expect(updated.body.dependsOn).toEqual([extra.id]);
    await api()
      .patch(`/api/tasks/${ids.left}`)
      .set(auth)
      .send({ dependsOn: [ids.base] })
      .expect(200);
  });

  it('accepts ids in upper case', async () => {
    const created = await api()
      .post('/api/tasks')
      .set(auth)
      .send({ prompt: 'shouting', dependsOn: [ids.base.toUpperCase()] })
      .expect(201);
    expect(created.body.dependsOn).toEqual([ids.base]);
  });

  it('checks cycles in a dense graph in time proportional to its size, not its paths', async () => {
    const dense = bearer(tokenFor({ tenant: 'dense-graph', sub: 'd' }));
    let layer = [(await createTask(testApp, dense)).id, (await createTask(testApp, dense)).id];
    const bottom = layer[0];
    for (let depth = 0; depth < 30; depth++) {
      layer = [(await createTask(testApp, dense, { dependsOn: layer })).id, (await createTask(testApp, dense, { dependsOn: layer })).id];
    }
    const started = Date.now();
    const refused = await api()
      .patch(`/api/tasks/${bottom}`)
      .set(dense)
      .send({ dependsOn: [layer[0]] })
      .expect(409);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(refused.body.cycle).toHaveLength(1 + 31); // bottom, then one task per layer from the top down to bottom
    expect(refused.body.cycle[0]).toBe(bottom);
    expect(refused.body.cycle.at(-1)).toBe(bottom);
  });

  it('serialises concurrent dependency edits without deadlocks', async () => {
    const edits = bearer(tokenFor({ tenant: 'concurrent-graph', sub: 'e' }));
    for (let round = 0; round < 10; round++) {
      const [a, b, c] = [await createTask(testApp, edits), await createTask(testApp, edits), await createTask(testApp, edits)];
      const statuses = await Promise.all([
        api()
          .patch(`/api/tasks/${a.id}`)
          .set(edits)
          .send({ dependsOn: [b.id] }),
        api()
          .patch(`/api/tasks/${b.id}`)
          .set(edits)
          .send({ dependsOn: [c.id] }),
        api()
          .post('/api/tasks')
          .set(edits)
          .send({ prompt: 'p', dependsOn: [b.id] }),
      ]);
      expect(statuses.map((response) => response.status)).toEqual([200, 200, 201]);
    }
  });

  it('refuses dependencies on tasks that do not exist or belong to another tenant', async () => {
    const foreign = await createTask(testApp, bearer(tokenFor({ tenant: 'elsewhere', sub: 'x' })));
    const response = await api()
      .post('/api/tasks')
      .set(auth)
      .send({ prompt: 'p', dependsOn: [foreign.id] })
      .expect(400);
    expect(response.body.errors).toEqual([{ field: 'dependsOn', messages: [`unknown task ${foreign.id}`] }]);
  });
});

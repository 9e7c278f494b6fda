import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app.js';
import { createTask } from '../support/tasks.js';
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
      nodes: body.nodes.map((node: { id: string; depth: number; direction: string }) => `${name(node.id)}:${node.direction}:${node.depth}`).sort(),
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
    expect(await lineage('root', '?direction=upstream&maxDepth=1')).toEqual({ nodes: ['root:self:0', 'top:upstream:1'], edges: ['root→top'] });
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
    const refused = await api().patch(`/api/tasks/${ids.base}`).set(auth).send({ dependsOn: [ids.root] }).expect(409);
    expect(refused.body.cycle.map(name)).toEqual(['base', 'root', 'top', 'left', 'base']);
    await api().patch(`/api/tasks/${ids.base}`).set(auth).send({ dependsOn: [ids.base] }).expect(409);
    expect((await api().get(`/api/tasks/${ids.base}`).set(auth)).body.dependsOn).toEqual([]);
  });

  it('accepts a new dependency that closes no cycle, replacing the old set', async () => {
    const extra = await createTask(testApp, auth, { prompt: 'extra' });
    const updated = await api().patch(`/api/tasks/${ids.left}`).set(auth).send({ dependsOn: [extra.id] }).expect(200);
    expect(updated.body.dependsOn).toEqual([extra.id]);
    await api().patch(`/api/tasks/${ids.left}`).set(auth).send({ dependsOn: [ids.base] }).expect(200);
  });

  it('refuses dependencies on tasks that do not exist or belong to another tenant', async () => {
    const foreign = await createTask(testApp, bearer(tokenFor({ tenant: 'elsewhere', sub: 'x' })));
    const response = await api().post('/api/tasks').set(auth).send({ prompt: 'p', dependsOn: [foreign.id] }).expect(400);
    expect(response.body.errors).toEqual([{ field: 'dependsOn', messages: [`unknown task ${foreign.id}`] }]);
  });
});

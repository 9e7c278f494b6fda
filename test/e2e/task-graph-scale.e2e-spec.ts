import { EntityManager } from '@mikro-orm/postgresql';
import request from 'supertest';
import { v7 as uuidv7 } from 'uuid';
import { MAX_DEPENDENCIES } from '../../src/modules/tasks/dto/create-task.dto.js';
import { TaskDependencyRepository } from '../../src/modules/tasks/task-dependency.repository.js';
import { principalOf } from '../../src/platform/auth/principal.js';
import { AdvisoryLockClass } from '../../src/platform/database/advisory-locks.js';
import { TenantScope } from '../../src/platform/tenancy/tenant-scope.js';
import { createTask, seedAsTenant } from '../support/tasks.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

const TASKS = 160;
/** Up to the task that depends on the most a task may name, through the API; the rest seeded. */
const THROUGH_API = MAX_DEPENDENCIES + 1;
/** Generous: on a loaded CI machine these take tens of milliseconds. */
const FAST_MS = 1_500;

interface Lineage {
  nodes: { id: string; depth: number; direction: string }[];
  edges: { from: string; to: string }[];
  truncated: boolean;
  hint?: string;
}

/**
 * Graphs whose number of paths explodes: "dense", where every task depends on all earlier ones, and
 * "band", where each depends on the ten before it (so depths grow along the chain).
 */
describe('a dense dependency graph', () => {
  let testApp: TestApp;
  const dense = bearer(tokenFor({ tenant: 'dense', sub: 'd' }));
  const band = bearer(tokenFor({ tenant: 'band', sub: 'b' }));
  const ids: string[] = [];
  const bandIds = Array.from({ length: TASKS }, () => uuidv7());
  let apiSeedingMs = 0;
  const api = () => request(testApp.server);
  const index = (id: string) => ids.indexOf(id);

  const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
    const started = performance.now();
    const result = await work();
    return [result, performance.now() - started];
  };
  const lineage = async (auth: Record<string, string>, id: string, query: string): Promise<[Lineage, number]> =>
    timed(async () => (await api().get(`/api/tasks/${id}/lineage?${query}`).set(auth).expect(200)).body as Lineage);

  beforeAll(async () => {
    testApp = await startTestApp();
    const started = performance.now();
    for (let i = 0; i < THROUGH_API; i++) {
      ids.push((await createTask(testApp, dense, { prompt: `dense ${i}`, dependsOn: [...ids] })).id);
    }
    apiSeedingMs = performance.now() - started;
    ids.push(...Array.from({ length: TASKS - THROUGH_API }, () => uuidv7()));
    await seedAsTenant(testApp, 'dense', [
      [insertTasks, ['dense', ids.slice(THROUGH_API)]],
      [insertEdges(`j < i and i > ${THROUGH_API}`), ['dense', ids]],
    ]);
    await seedAsTenant(testApp, 'band', [
      [insertTasks, ['band', bandIds]],
      [insertEdges('j between i - 10 and i - 1'), ['band', bandIds]],
    ]);
  }, 120_000);
  afterAll(() => testApp.close());

  it('creates tasks with a hundred dependencies each at a steady pace', () => {
    expect(apiSeedingMs / THROUGH_API).toBeLessThan(300);
  });

  it('returns every upstream task once, at its nearest depth, and keeps the nearest edges when there are too many', async () => {
    const last = ids[TASKS - 1];
    const [graph, ms] = await lineage(dense, last, 'direction=upstream&maxDepth=20');
    expect(ms).toBeLessThan(FAST_MS);
    expect(graph.nodes).toHaveLength(TASKS);
    expect(graph.nodes[0]).toMatchObject({ id: last, direction: 'self', depth: 0 });
    expect(graph.nodes.slice(1).every((node) => node.direction === 'upstream' && node.depth === 1)).toBe(true);
    // 159 edges from the task, 159 × 158 / 2 among the others: over 5 × 1,000, so cut, the task's own first.
    expect(graph.truncated).toBe(true);
    expect(graph.hint).toMatch(/smaller maxDepth/);
    expect(graph.edges).toHaveLength(5_000);
    expect(graph.edges.filter((edge) => edge.from === last)).toHaveLength(TASKS - 1);
    expect(graph.edges.every((edge) => index(edge.from) > index(edge.to) && index(edge.to) >= 0)).toBe(true);
  });

  it('returns the dependents of a task, and both directions, each with their edges', async () => {
    const [down] = await lineage(dense, ids[0], 'direction=downstream&maxDepth=1');
    expect(down).toMatchObject({ truncated: false });
    expect(down.nodes.filter((node) => node.direction === 'downstream' && node.depth === 1)).toHaveLength(TASKS - 1);
    expect(down.edges.map((edge) => index(edge.from)).sort((a, b) => a - b)).toEqual(Array.from({ length: TASKS - 1 }, (_, i) => i + 1));
    expect(down.edges.every((edge) => edge.to === ids[0])).toBe(true);

    const middle = 80;
    const [both, ms] = await lineage(dense, ids[middle], 'maxDepth=1');
    expect(ms).toBeLessThan(FAST_MS);
    expect(both.truncated).toBe(false);
    const direction = (id: string) => both.nodes.find((node) => node.id === id)?.direction;
    expect(ids.map(direction)).toEqual(ids.map((_, i) => (i < middle ? 'upstream' : i > middle ? 'downstream' : 'self')));
    expect(both.edges).toHaveLength(TASKS - 1);
  });

  it('finds each task at its nearest depth however many paths lead to it', async () => {
    const last = bandIds[TASKS - 1];
    const [graph, ms] = await lineage(band, last, 'direction=upstream&maxDepth=20');
    expect(ms).toBeLessThan(FAST_MS);
    expect(graph.truncated).toBe(false);
    const depths = new Map(graph.nodes.map((node) => [node.id, node.depth]));
    expect(bandIds.map((id) => depths.get(id))).toEqual(bandIds.map((_, i) => Math.ceil((TASKS - 1 - i) / 10)));
    // All are nearer than maxDepth, so every edge out of each: the ten before it, or all before the tenth.
    expect(graph.edges).toHaveLength(bandIds.reduce((edges, _, i) => edges + Math.min(i, 10), 0));

    const [shallow] = await lineage(band, last, 'direction=upstream&maxDepth=5');
    expect(shallow.nodes).toHaveLength(1 + 50);
    expect(Math.max(...shallow.nodes.map((node) => node.depth))).toBe(5);
  });

  it('cuts at maxNodes, nearest first, and says how to narrow', async () => {
    const [cut] = await lineage(dense, ids[80], 'maxNodes=10');
    expect(cut.truncated).toBe(true);
    expect(cut.hint).toMatch(/smaller maxDepth \(now 5\) or one direction/);
    expect(cut.nodes.map((node) => index(node.id))).toEqual([80, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(
      cut.edges.every((edge) => cut.nodes.some((node) => node.id === edge.from) && cut.nodes.some((node) => node.id === edge.to)),
    ).toBe(true);

    const [edgesCut] = await lineage(dense, ids[TASKS - 1], 'direction=upstream&maxNodes=40');
    expect(edgesCut).toMatchObject({ truncated: true });
    expect(edgesCut.nodes).toHaveLength(40);
    expect(edgesCut.edges).toHaveLength(5 * 40);
    expect(edgesCut.hint).not.toMatch(/one direction/);

    const [whole] = await lineage(dense, ids[3], 'direction=upstream&maxNodes=4');
    expect(whole).toMatchObject({ truncated: false });
    expect(whole.nodes).toHaveLength(4);
  });

  it.each(['maxNodes=0', 'maxNodes=1001', 'maxNodes=ten', 'maxDepth=21', 'direction=sideways'])(
    'refuses %s with a 400 problem',
    async (query) => {
      const response = await api().get(`/api/tasks/${ids[0]}/lineage?${query}`).set(dense).expect(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    },
  );

  it('refuses a cycle quickly, naming a short one, and accepts a large replacement quickly', async () => {
    const [refused, refusedMs] = await timed(() =>
      api()
        .patch(`/api/tasks/${ids[0]}`)
        .set(dense)
        .send({ dependsOn: [ids[TASKS - 1]] })
        .expect(409),
    );
    expect(refusedMs).toBeLessThan(FAST_MS);
    expect(refused.body.cycle).toEqual([ids[0], ids[TASKS - 1], ids[0]]);

    const [, bandMs] = await timed(() =>
      api()
        .patch(`/api/tasks/${bandIds[0]}`)
        .set(band)
        .send({ dependsOn: [bandIds[TASKS - 1]] })
        .expect(409),
    );
    expect(bandMs).toBeLessThan(FAST_MS);

    const [replaced, replacedMs] = await timed(() =>
      api()
        .patch(`/api/tasks/${ids[150]}`)
        .set(dense)
        .send({ dependsOn: ids.slice(0, 100) })
        .expect(200),
    );
    expect(replacedMs).toBeLessThan(FAST_MS);
    expect(replaced.body.dependsOn).toEqual([...ids.slice(0, 100)].sort());
  });

  it('takes the graph lock in its own advisory lock class, keyed by the tenant', async () => {
    const held = await testApp.app.get(TenantScope).run(principalOf('dense', 'd', []), async () => {
      await testApp.app.get(TaskDependencyRepository, { strict: false }).lockGraph();
      return testApp.app.get(EntityManager).execute<{ classid: number; objid: number; objsubid: number; tenant_key: number }[]>(
        `select classid::int8 as classid, objid::int8 as objid, objsubid, hashtext('dense')::int8 & 4294967295 as tenant_key
         from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()`,
      );
    });
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ classid: String(AdvisoryLockClass.TaskGraph), objsubid: 2 });
    expect(held[0].objid).toBe(held[0].tenant_key);
  });
});

const insertTasks = `
  insert into tasks (id, tenant_id, user_id, prompt, config, metadata, created_at, updated_at)
  select id, $1, 'seed', 'seeded', '{}', '{}', now(), now() from unnest($2::uuid[]) id`;

/** An edge i → j for every pair of tasks in $2 whose 1-based positions meet the condition. */
const insertEdges = (condition: string) => `
  insert into task_dependencies (id, tenant_id, task_id, depends_on_id)
  select gen_random_uuid(), $1, a.id, b.id
  from unnest($2::uuid[]) with ordinality a(id, i) join unnest($2::uuid[]) with ordinality b(id, j) on ${condition}`;

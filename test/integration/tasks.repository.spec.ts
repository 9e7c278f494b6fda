import { randomUUID } from 'node:crypto';
import { ProjectRepository } from '../../src/modules/projects/project.repository.js';
import type { LineageQuery } from '../../src/modules/tasks/dto/lineage.query.js';
import { ListTasksQuery } from '../../src/modules/tasks/dto/list-tasks.query.js';
import { TaskRepository } from '../../src/modules/tasks/task.repository.js';
import { TaskApprovalRepository } from '../../src/modules/tasks/task-approval.repository.js';
import { TaskArtifactRepository } from '../../src/modules/tasks/task-artifact.repository.js';
import { TaskDependencyRepository } from '../../src/modules/tasks/task-dependency.repository.js';
import { TaskExecutionRepository } from '../../src/modules/tasks/task-execution.repository.js';
import type { TaskState } from '../../src/modules/tasks/task-state.js';
import type { Principal } from '../../src/platform/auth/principal.js';
import { ProblemException } from '../../src/platform/errors/problem.exception.js';
import { captureStatements } from '../support/statement-capture.js';
import { newPrincipal, startTestContext, type TestContext } from '../support/test-context.js';
import { withOwnerClient } from '../support/test-database.js';

const LINEAGE: LineageQuery = { direction: 'both', maxDepth: 5, maxNodes: 1_000 };

describe('task repositories (cloned database, no HTTP)', () => {
  let t: TestContext;
  let tasks: TaskRepository;
  let graph: TaskDependencyRepository;
  let executions: TaskExecutionRepository;
  let artifacts: TaskArtifactRepository;
  let approvals: TaskApprovalRepository;

  beforeAll(async () => {
    t = await startTestContext();
    tasks = t.get(TaskRepository);
    graph = t.get(TaskDependencyRepository);
    executions = t.get(TaskExecutionRepository);
    artifacts = t.get(TaskArtifactRepository);
    approvals = t.get(TaskApprovalRepository);
  });
  afterAll(() => t.close());

  /** A new task of the principal's tenant, moved straight to `state` (the repositories do not check moves). */
  const taskOf = (
    principal: Principal,
    fields: { prompt?: string; projectId?: string | null; state?: TaskState; currentAgent?: 'tester' | 'reviewer' } = {},
  ) =>
    t.inTenant(principal, async () => {
      const task = await tasks.add({
        prompt: fields.prompt ?? 'do the thing',
        projectId: fields.projectId ?? null,
        config: { retries: 2 },
        metadata: {},
      });
      if (fields.state || fields.currentAgent) {
        const written = (await tasks.lockedForChange(task.id))!;
        Object.assign(written, { state: fields.state ?? written.state, currentAgent: fields.currentAgent ?? null });
        await tasks.flush();
      }
      return task.id;
    });
  const listQuery = (fields: Partial<ListTasksQuery> = {}) => Object.assign(new ListTasksQuery(), fields);

  describe('tasks', () => {
    const owner = newPrincipal();
    const stranger = newPrincipal();
    const ids: Record<string, string> = {};
    /** Projects named a and b of the owner, and the stranger's own a. */
    const projects: Record<'a' | 'b' | 'strangersA', string> = { a: '', b: '', strangersA: '' };
    const projectOf = (principal: Principal, name: string) =>
      t.inTenant(
        principal,
        async () => (await t.get(ProjectRepository).add({ name, description: null, settings: {}, archivedAt: null })).id,
      );

    beforeAll(async () => {
      projects.a = await projectOf(owner, 'a');
      projects.b = await projectOf(owner, 'b');
      projects.strangersA = await projectOf(stranger, 'a');
      ids.pendingA = await taskOf(owner, { prompt: 'p'.repeat(500), projectId: projects.a });
      ids.runningA = await taskOf(owner, { projectId: projects.a, state: 'running', currentAgent: 'tester' });
      ids.completedB = await taskOf(owner, { projectId: projects.b, state: 'completed' });
      ids.cancelled = await taskOf(owner, { state: 'cancelled' });
      ids.strangers = await taskOf(stranger, { projectId: projects.strangersA });
      await t.inTenant(owner, () => graph.add(ids.runningA, [ids.pendingA, ids.completedB]));
    });

    const listed = async (fields: Partial<ListTasksQuery> = {}, principal = owner) =>
      (await t.inTenant(principal, () => tasks.page(listQuery(fields)))).items.map((row) => row.id);

    it('reads a task of the tenant only', async () => {
      expect((await t.inTenant(owner, () => tasks.detail(ids.pendingA)))?.projectId).toBe(projects.a);
      expect(await t.inTenant(stranger, () => tasks.detail(ids.pendingA))).toBeUndefined();
      expect(await t.inTenant(stranger, () => tasks.exists(ids.pendingA))).toBe(false);
      expect(await t.inTenant(stranger, () => tasks.lockedForChange(ids.pendingA))).toBeNull();
      expect(await t.inTenant(owner, () => tasks.exists(ids.pendingA))).toBe(true);
    });

    it('names the ids of no task of the tenant, in the order given', async () => {
      const unknown = randomUUID();
      expect(await t.inTenant(owner, () => tasks.unknownAmong([ids.strangers, ids.pendingA, unknown]))).toEqual([ids.strangers, unknown]);
      expect(await t.inTenant(owner, () => tasks.unknownAmong([]))).toEqual([]);
    });

    it('lists newest first, filtered by states, project, current agent and creation time', async () => {
      const createdAt = async (id: string) => new Date((await t.inTenant(owner, () => tasks.detail(id)))!.createdAt);
      const running = await createdAt(ids.runningA);
      const cases: [Partial<ListTasksQuery>, string[]][] = [
        [{}, [ids.cancelled, ids.completedB, ids.runningA, ids.pendingA]],
        [{ state: ['running'] }, [ids.runningA]],
        [{ state: ['pending', 'completed'] }, [ids.completedB, ids.pendingA]],
        [{ state: ['failed'] }, []],
        [{ projectId: projects.a }, [ids.runningA, ids.pendingA]],
        [{ projectId: projects.strangersA }, []],
        [{ currentAgent: 'tester' }, [ids.runningA]],
        [{ createdFrom: running }, [ids.cancelled, ids.completedB, ids.runningA]],
        [{ createdTo: running }, [ids.pendingA]],
        [{ projectId: projects.a, state: ['pending'], createdTo: running }, [ids.pendingA]],
      ];
      for (const [filters, expected] of cases) {
        expect(await listed(filters)).toEqual(expected);
        // The count answers the same filters exactly.
        expect(await t.inTenant(owner, () => tasks.countMatching(filters))).toBe(expected.length);
      }
      expect(await t.inTenant(newPrincipal(), () => tasks.countMatching({}))).toBe(0);
      expect(await listed({}, stranger)).toEqual([ids.strangers]);
      expect(await listed({}, newPrincipal())).toEqual([]);
    });

    it('counts through the tenant-first index the filters select (never the whole table)', async () => {
      const indexOf = async (filters: Partial<ListTasksQuery>) => {
        const [statement] = await captureStatements(owner, () => t.inTenant(owner, () => tasks.countMatching(filters)));
        return withOwnerClient(t.database, async (client) => {
          await client.query('begin');
          try {
            await client.query('analyze tasks');
            await client.query("select set_config('app.tenant_id', $1, true), set_config('enable_seqscan', 'off', true)", [owner.tenantId]);
            const plan = JSON.stringify((await client.query(`explain (format json) ${statement.text}`, statement.values)).rows);
            return plan.match(/"Index Name":"(\w+)"/)?.[1];
          } finally {
            await client.query('rollback');
          }
        });
      };
      expect(await indexOf({ projectId: projects.a })).toBe('tasks_tenant_project_created_idx');
      expect(await indexOf({ state: ['running'] })).toBe('tasks_tenant_state_created_idx');
      // Without a selective filter any tenant-first index costs the planner the same on a handful of rows
      // (the primary key, (tenant_id, id), is one of them).
      expect(await indexOf({ createdFrom: new Date('2026-01-01T00:00:00Z') })).toMatch(/^tasks_(tenant_|pkey$)/);
    });

    it('lists previews, sizes, what each task depends on and ISO instants', async () => {
      const page = await t.inTenant(owner, () => tasks.page(listQuery({ projectId: projects.a })));
      const [running, pending] = page.items;
      expect(running.dependsOn).toEqual([ids.pendingA, ids.completedB].sort());
      expect(pending.dependsOn).toEqual([]);
      expect(pending.previews.prompt!.length).toBeLessThan(500);
      expect(pending.sizes).toEqual({ prompt: 500, config: '{"retries": 2}'.length, metadata: 2, result: null, error: null });
      expect(pending.previews.result).toBeNull();
      expect(pending.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(pending.completedAt).toBeNull();
      expect(page.nextCursor).toBeNull();
    });

    it('pages by cursor without repeating or skipping, and refuses a malformed cursor', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await t.inTenant(owner, () => tasks.page(listQuery({ limit: 3, cursor })));
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items.map((row) => row.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(await listed());
      await expect(t.inTenant(owner, () => tasks.page(listQuery({ cursor: 'not-a-cursor' })))).rejects.toBeInstanceOf(ProblemException);
    });

    it('counts per project and state, of one project when named, of the tenant only', async () => {
      const counts = await t.inTenant(owner, () => tasks.countsByState());
      expect(counts).toEqual(
        expect.arrayContaining([
          { projectId: projects.a, state: 'pending', count: 1 },
          { projectId: projects.a, state: 'running', count: 1 },
          { projectId: projects.b, state: 'completed', count: 1 },
          { projectId: null, state: 'cancelled', count: 1 },
        ]),
      );
      expect(counts).toHaveLength(4);
      expect(await t.inTenant(owner, () => tasks.countsByState(projects.b))).toEqual([
        { projectId: projects.b, state: 'completed', count: 1 },
      ]);
      expect(await t.inTenant(owner, () => tasks.countsByProject([projects.a, projects.strangersA]))).toEqual(
        expect.arrayContaining([
          { projectId: projects.a, state: 'pending', count: 1 },
          { projectId: projects.a, state: 'running', count: 1 },
        ]),
      );
      expect(await t.inTenant(owner, () => tasks.countsByProject([projects.a, projects.strangersA]))).toHaveLength(2);
      expect(await t.inTenant(owner, () => tasks.countsByProject([]))).toEqual([]);
      expect(await t.inTenant(newPrincipal(), () => tasks.countsByState())).toEqual([]);
    });
  });

  describe('dependency graph', () => {
    const owner = newPrincipal();
    const stranger = newPrincipal();
    /** a → b → d, a → c → d, and e on its own. */
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      for (const name of ['d', 'c', 'b', 'a', 'e'])
        ids[name] = await taskOf(owner, { prompt: name, state: name === 'd' ? 'completed' : 'pending' });
      await t.inTenant(owner, async () => {
        await graph.add(ids.a, [ids.b, ids.c]);
        await graph.add(ids.b, [ids.d]);
        await graph.add(ids.c, [ids.d]);
      });
      ids.strangers = await taskOf(stranger);
    });

    it('reads what tasks depend on, sorted, of the tenant only', async () => {
      const of = await t.inTenant(owner, () => graph.dependsOnOf([ids.a, ids.d]));
      expect(of.get(ids.a)).toEqual([ids.b, ids.c].sort());
      expect(of.get(ids.d)).toEqual([]);
      expect((await t.inTenant(stranger, () => graph.dependsOnOf([ids.a]))).get(ids.a)).toEqual([]);
      expect(await t.inTenant(owner, () => graph.dependsOnOf([]))).toEqual(new Map());
    });

    it('names the unfinished tasks a task depends on', async () => {
      expect(await t.inTenant(owner, () => graph.blockersOf(ids.a))).toEqual([ids.b, ids.c].sort().map((id) => ({ id, state: 'pending' })));
      expect(await t.inTenant(owner, () => graph.blockersOf(ids.b))).toEqual([]);
      expect(await t.inTenant(stranger, () => graph.blockersOf(ids.a))).toEqual([]);
    });

    it('finds the shortest cycle new dependencies would close, and none where there is none', async () => {
      expect(await t.inTenant(owner, () => graph.cycleClosedBy(ids.d, [ids.a]))).toEqual([ids.d, ids.a, expect.any(String), ids.d]);
      expect(await t.inTenant(owner, () => graph.cycleClosedBy(ids.b, [ids.e, ids.a]))).toEqual([ids.b, ids.a, ids.b]);
      expect(await t.inTenant(owner, () => graph.cycleClosedBy(ids.a, [ids.d, ids.e]))).toBeUndefined();
      expect(await t.inTenant(owner, () => graph.cycleClosedBy(ids.d, []))).toBeUndefined();
      // Another tenant's walk sees none of these edges.
      expect(await t.inTenant(stranger, () => graph.cycleClosedBy(ids.d, [ids.a]))).toBeUndefined();
    });

    it('replaces only the edges that change, and never another tenant’s', async () => {
      const e2 = await taskOf(owner);
      await t.inTenant(owner, () => graph.add(e2, [ids.e]));
      await t.inTenant(stranger, () => graph.replace(e2, []));
      expect((await t.inTenant(owner, () => graph.dependsOnOf([e2]))).get(e2)).toEqual([ids.e]);
      await t.inTenant(owner, () => graph.replace(e2, [ids.e, ids.d]));
      expect((await t.inTenant(owner, () => graph.dependsOnOf([e2]))).get(e2)).toEqual([ids.e, ids.d].sort());
      await t.inTenant(owner, () => graph.replace(e2, [ids.d]));
      expect((await t.inTenant(owner, () => graph.dependsOnOf([e2]))).get(e2)).toEqual([ids.d]);
      await t.inTenant(owner, () => graph.replace(e2, []));
      expect((await t.inTenant(owner, () => graph.dependsOnOf([e2]))).get(e2)).toEqual([]);
    });

    it('holds the graph lock re-entrantly within a unit of work', async () => {
      await expect(
        t.inTenant(owner, async () => {
          await graph.lockGraph();
          await graph.lockGraph();
        }),
      ).resolves.toBeUndefined();
    });

    describe('lineage', () => {
      const lineage = (id: string, query: Partial<LineageQuery> = {}, principal = owner) =>
        t.inTenant(principal, () => graph.lineage(id, { ...LINEAGE, ...query }));
      const nodesOf = (result: Awaited<ReturnType<typeof lineage>>) =>
        result.nodes.map(({ id, depth, direction }) => [id, depth, direction]);

      it('walks both ways, each task once at its nearest depth (a diamond reaches d once)', async () => {
        const down = await lineage(ids.a);
        expect(nodesOf(down)).toEqual([
          [ids.a, 0, 'self'],
          ...[ids.b, ids.c].sort().map((id) => [id, 1, 'upstream']),
          [ids.d, 2, 'upstream'],
        ]);
        expect(down.edges).toHaveLength(4);
        expect(down.truncated).toBe(false);
        expect(nodesOf(await lineage(ids.d, { direction: 'downstream' }))).toEqual([
          [ids.d, 0, 'self'],
          ...[ids.b, ids.c].sort().map((id) => [id, 1, 'downstream']),
          [ids.a, 2, 'downstream'],
        ]);
        // Within a depth, by id whatever the direction.
        expect(nodesOf(await lineage(ids.b))).toEqual([
          [ids.b, 0, 'self'],
          ...[
            [ids.a, 1, 'downstream'],
            [ids.d, 1, 'upstream'],
          ].sort(([a], [b]) => String(a).localeCompare(String(b))),
        ]);
      });

      it('stops at maxDepth, and cuts at maxNodes (nearest first) saying so', async () => {
        expect(nodesOf(await lineage(ids.a, { maxDepth: 1 })).map(([id]) => id)).toEqual([ids.a, ...[ids.b, ids.c].sort()]);
        const cut = await lineage(ids.a, { maxNodes: 2 });
        expect(cut.nodes).toHaveLength(2);
        expect(cut.truncated).toBe(true);
        expect(
          cut.edges.every(({ from, to }) => cut.nodes.some((node) => node.id === from) && cut.nodes.some((node) => node.id === to)),
        ).toBe(true);
        expect(await lineage(ids.a, { direction: 'downstream' })).toEqual({
          nodes: [expect.objectContaining({ id: ids.a, depth: 0 })],
          edges: [],
          truncated: false,
        });
      });

      it('finds nothing of another tenant’s graph', async () => {
        expect(await lineage(ids.a, {}, stranger)).toEqual({ nodes: [], edges: [], truncated: false });
      });
    });
  });

  describe('executions, reviews, artifacts and approvals', () => {
    const owner = newPrincipal();
    const stranger = newPrincipal();
    let taskId: string;
    const started: string[] = [];

    beforeAll(async () => {
      taskId = await taskOf(owner, { state: 'running' });
      for (let index = 0; index < 4; index += 1) {
        started.push((await t.inTenant(owner, () => executions.start(taskId, 'tester', index === 0 ? { files: ['a.ts'] } : null))).id);
      }
      await t.inTenant(owner, async () => {
        await executions.addReview(started[0], {
          iteration: 2,
          agentType: 'reviewer',
          qualityScore: 1,
          completenessScore: 1,
          correctnessScore: 1,
          overallScore: 1,
          decision: 'done',
        });
        await executions.addReview(started[0], {
          iteration: 1,
          agentType: 'tester',
          qualityScore: 0.5,
          completenessScore: 0.5,
          correctnessScore: 0.5,
          overallScore: 0.5,
          decision: 'iterate',
        });
      });
    });

    it('pages summaries latest first with sizes and review counts', async () => {
      const first = await t.inTenant(owner, () => executions.summaries(taskId, { limit: 3 }));
      expect(first.items.map((row) => row.id)).toEqual([...started].reverse().slice(0, 3));
      const rest = await t.inTenant(owner, () => executions.summaries(taskId, { limit: 3, cursor: first.nextCursor! }));
      expect(rest.items.map((row) => row.id)).toEqual([started[0]]);
      expect(rest.nextCursor).toBeNull();
      expect(rest.items[0]).toMatchObject({
        taskId,
        agentType: 'tester',
        status: 'running',
        reviewCount: 2,
        finishedAt: null,
        sizes: { input: '{"files": ["a.ts"]}'.length, output: null, error: null },
      });
      expect(first.items[0]).toMatchObject({ reviewCount: 0, sizes: { input: null, output: null, error: null } });
      expect((await t.inTenant(stranger, () => executions.summaries(taskId, { limit: 3 }))).items).toEqual([]);
    });

    it('counts, finds and locks runs of the tenant only', async () => {
      expect(await t.inTenant(owner, () => executions.countOf(taskId))).toBe(4);
      expect(await t.inTenant(stranger, () => executions.countOf(taskId))).toBe(0);
      expect(await t.inTenant(owner, () => executions.isOfTask(started[0], taskId))).toBe(true);
      expect(await t.inTenant(owner, () => executions.isOfTask(started[0], randomUUID()))).toBe(false);
      expect(await t.inTenant(stranger, () => executions.exists(started[0]))).toBe(false);
      expect(await t.inTenant(stranger, () => executions.lockedForChange(started[0]))).toBeNull();
      expect((await t.inTenant(owner, () => executions.lockedForChange(started[0])))?.status).toBe('running');
    });

    it('reads reviews in iteration order', async () => {
      expect((await t.inTenant(owner, () => executions.reviewsOf(started[0]))).map((review) => review.iteration)).toEqual([1, 2]);
      expect(await t.inTenant(stranger, () => executions.reviewsOf(started[0]))).toEqual([]);
    });

    it('keeps artifacts with their size, reads bodies only when asked, and only the task’s', async () => {
      const artifact = await t.inTenant(owner, () =>
        artifacts.add({ taskId, executionId: started[0], type: 'source_file', path: 'a.ts', content: 'héllo', metadata: { lines: 1 } }),
      );
      expect(artifact.contentBytes).toBe(6);
      expect((await t.inTenant(owner, () => artifacts.withContent(artifact.id)))?.content).toBe('héllo');
      const listed = (await t.inTenant(owner, () => tasks.detail(taskId)))!.artifacts;
      expect(listed.map((row) => row.id)).toEqual([artifact.id]);
      expect(listed[0]).not.toHaveProperty('content');
      expect(await t.inTenant(owner, () => artifacts.ofTaskAmong(randomUUID(), [artifact.id]))).toEqual([]);
      expect(await t.inTenant(stranger, () => artifacts.withContent(artifact.id))).toBeNull();
      expect(await t.inTenant(stranger, () => artifacts.ofTaskAmong(taskId, [artifact.id]))).toEqual([]);
    });

    it('keeps approvals, oldest first, of the tenant only', async () => {
      const approval = await t.inTenant(owner, () => approvals.add({ taskId, decision: 'approved', reason: null, artifactIds: [] }));
      expect(approval.approverId).toBe(owner.actorId);
      expect((await t.inTenant(owner, () => tasks.detail(taskId)))!.approvals.map((row) => row.id)).toEqual([approval.id]);
      expect(await t.inTenant(stranger, () => tasks.detail(taskId))).toBeUndefined();
    });

    it('reads the task whole in one statement: latest runs as summaries, artifacts without bodies, approvals', async () => {
      const [statement, ...others] = await captureStatements(owner, () => t.inTenant(owner, () => tasks.detail(taskId)));
      expect(others).toEqual([]);
      expect(statement.text).toMatch(/^select /);
      const task = (await t.inTenant(owner, () => tasks.detail(taskId)))!;
      expect(task).toMatchObject({ id: taskId, state: 'running', config: { retries: 2 }, result: null, dependsOn: [], executionCount: 4 });
      expect(task.executions.map((row) => row.id)).toEqual([...started].reverse());
      expect(task.executions[3]).toMatchObject({
        reviewCount: 2,
        sizes: { input: '{"files": ["a.ts"]}'.length, output: null, error: null },
      });
      expect(task.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(task.artifacts[0]).toEqual({
        id: expect.any(String),
        taskId,
        executionId: started[0],
        type: 'source_file',
        path: 'a.ts',
        contentBytes: 6,
        metadata: { lines: 1 },
        approved: null,
        createdAt: expect.stringMatching(/Z$/),
      });
    });
  });
});

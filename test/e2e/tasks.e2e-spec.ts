import request from 'supertest';
import { createProject, createTask, taskIn } from '../support/tasks.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

describe('tasks', () => {
  let testApp: TestApp;
  const alice = bearer(tokenFor({ tenant: 'acme', sub: 'alice' }));

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  describe('create and read', () => {
    it('creates a pending task stamped with the caller as creator', async () => {
      const docs = await createProject(testApp, alice, 'docs');
      const created = await request(testApp.server)
        .post('/api/tasks')
        .set(alice)
        .send({ prompt: 'Write the release notes', projectId: docs.id.toUpperCase(), config: { model: 'large' }, metadata: { ticket: 42 } })
        .expect(201);
      expect(created.headers.location).toBe(`/api/tasks/${created.body.id}`);
      expect(created.body).toMatchObject({
        state: 'pending',
        userId: 'alice',
        projectId: docs.id,
        prompt: 'Write the release notes',
        config: { model: 'large' },
        metadata: { ticket: 42 },
        currentAgent: null,
        dependsOn: [],
        completedAt: null,
      });
      expect(created.body).not.toHaveProperty('tenantId');

      const read = await request(testApp.server).get(`/api/tasks/${created.body.id}`).set(alice).expect(200);
      expect(read.body).toMatchObject({ id: created.body.id, executions: [], artifacts: [], approvals: [] });
    });

    it('refuses a projectId that is not a project of the tenant with a 400 naming it', async () => {
      const theirs = await createProject(testApp, bearer(tokenFor({ tenant: 'elsewhere', sub: 'eve' })), 'docs');
      for (const projectId of [theirs.id, '0190a5a0-0000-7000-8000-000000000000']) {
        const response = await request(testApp.server).post('/api/tasks').set(alice).send({ prompt: 'p', projectId }).expect(400);
        expect(response.body).toMatchObject({
          code: 'UNKNOWN_REFERENCE',
          errors: [{ field: 'projectId', messages: [`unknown project ${projectId}`] }],
        });
      }
      for (const projectId of ['docs', '', null, 42]) {
        const response = await request(testApp.server).post('/api/tasks').set(alice).send({ prompt: 'p', projectId }).expect(400);
        expect(response.body.errors.map((error: { field: string }) => error.field)).toEqual(['projectId']);
      }
      expect((await request(testApp.server).get('/api/tasks/count').set(alice).expect(200)).body.count).toBe(1);
    });

    it('records a service token’s actor as service:<sub>', async () => {
      const service = bearer(tokenFor({ tenant: 'acme', sub: 'scheduler', roles: ['service'] }));
      const created = await createTask(testApp, service);
      expect(created.userId).toBe('service:scheduler');
    });

    it.each([
      ['no prompt', {}, 'prompt'],
      ['an empty prompt', { prompt: '' }, 'prompt'],
      ['a prompt over the cap', { prompt: 'x'.repeat(100_001) }, 'prompt'],
      ['a non-object config', { prompt: 'p', config: [1] }, 'config'],
      ['a tenant id', { prompt: 'p', tenantId: 'globex' }, 'tenantId'],
      ['an owner', { prompt: 'p', userId: 'bob' }, 'userId'],
      ['a state', { prompt: 'p', state: 'completed' }, 'state'],
      ['dependencies that are not uuids', { prompt: 'p', dependsOn: ['nope'] }, 'dependsOn'],
    ])('refuses %s with a 400 problem naming the field, creating nothing', async (_case, body, field) => {
      const before = (await request(testApp.server).get('/api/tasks/stats').set(alice)).body.total;
      const response = await request(testApp.server).post('/api/tasks').set(alice).send(body).expect(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
      expect((await request(testApp.server).get('/api/tasks/stats').set(alice)).body.total).toBe(before);
    });

    it('answers 404 for an unknown id and 400 for a malformed one', async () => {
      await request(testApp.server).get('/api/tasks/0190a5a0-0000-7000-8000-000000000000').set(alice).expect(404);
      await request(testApp.server).get('/api/tasks/not-a-uuid').set(alice).expect(400);
    });
  });

  describe('update', () => {
    it('changes prompt, config and metadata while pending', async () => {
      const task = await createTask(testApp, alice);
      const updated = await request(testApp.server)
        .patch(`/api/tasks/${task.id}`)
        .set(alice)
        .send({ prompt: 'better prompt', config: { retries: 2 }, metadata: { a: 1 } })
        .expect(200);
      expect(updated.body).toMatchObject({ prompt: 'better prompt', config: { retries: 2 }, metadata: { a: 1 }, state: 'pending' });
    });

    it('refuses changes once the task left pending, with 409, changing nothing', async () => {
      const task = await taskIn(testApp, alice, 'running');
      const refused = await request(testApp.server).patch(`/api/tasks/${task.id}`).set(alice).send({ prompt: 'too late' }).expect(409);
      expect(refused.body).toMatchObject({ currentState: 'running' });
      expect((await request(testApp.server).get(`/api/tasks/${task.id}`).set(alice)).body.prompt).toBe('do the thing');
    });

    it.each(['prompt', 'config', 'metadata', 'dependsOn'])('refuses %s: null with a 400 naming it', async (field) => {
      const task = await createTask(testApp, alice);
      const response = await request(testApp.server)
        .patch(`/api/tasks/${task.id}`)
        .set(alice)
        .send({ [field]: null })
        .expect(400);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toEqual([field]);
    });

    it('refuses fields that may not change', async () => {
      const task = await createTask(testApp, alice);
      await request(testApp.server).patch(`/api/tasks/${task.id}`).set(alice).send({ state: 'running' }).expect(400);
      await request(testApp.server).patch(`/api/tasks/${task.id}`).set(alice).send({ projectId: 'other' }).expect(400);
    });
  });

  describe('list', () => {
    const lister = bearer(tokenFor({ tenant: 'lister', sub: 'lee' }));
    const ids: Record<string, string> = {};
    const projects: Record<string, string> = {};

    beforeAll(async () => {
      projects.a = (await createProject(testApp, lister, 'a')).id;
      projects.b = (await createProject(testApp, lister, 'b')).id;
      ids.pendingA = (await createTask(testApp, lister, { prompt: 'pending in a', projectId: projects.a })).id;
      ids.runningA = (await taskIn(testApp, lister, 'running', { prompt: 'running in a', projectId: projects.a })).id;
      ids.completedB = (await taskIn(testApp, lister, 'completed', { prompt: 'completed in b', projectId: projects.b })).id;
      ids.cancelled = (await taskIn(testApp, lister, 'cancelled', { prompt: 'cancelled, no project' })).id;
      const execution = await request(testApp.server)
        .post(`/api/tasks/${ids.runningA}/executions`)
        .set(lister)
        .send({ agentType: 'tester' });
      expect(execution.status).toBe(201);
    });

    const list = async (query: string) =>
      ((await request(testApp.server).get(`/api/tasks?${query}`).set(lister).expect(200)).body.items as { id: string }[]).map(
        (task) => task.id,
      );

    it('lists newest first', async () => {
      expect(await list('')).toEqual([ids.cancelled, ids.completedB, ids.runningA, ids.pendingA]);
    });

    it('filters by one or several states, project, current agent and creation time', async () => {
      expect(await list('state=running')).toEqual([ids.runningA]);
      expect(await list('state=pending,completed')).toEqual([ids.completedB, ids.pendingA]);
      expect(await list('state=pending&state=cancelled')).toEqual([ids.cancelled, ids.pendingA]);
      expect(await list(`projectId=${projects.a}`)).toEqual([ids.runningA, ids.pendingA]);
      expect(await list('currentAgent=tester')).toEqual([ids.runningA]);
      const all = (await request(testApp.server).get('/api/tasks').set(lister)).body.items as { id: string; createdAt: string }[];
      const runningCreatedAt = all.find((task) => task.id === ids.runningA)!.createdAt;
      expect(await list(`createdFrom=${runningCreatedAt}`)).toEqual([ids.cancelled, ids.completedB, ids.runningA]);
      expect(await list(`createdTo=${runningCreatedAt}`)).toEqual([ids.pendingA]);
    });

    it('counts exactly what the list’s filters match', async () => {
      const count = async (query: string) => (await request(testApp.server).get(`/api/tasks/count?${query}`).set(lister).expect(200)).body;
      expect(await count('')).toEqual({ count: 4 });
      expect(await count('state=pending,completed')).toEqual({ count: 2 });
      expect(await count(`projectId=${projects.a}`)).toEqual({ count: 2 });
      expect(await count(`projectId=${projects.a}&state=running&currentAgent=tester`)).toEqual({ count: 1 });
      const all = (await request(testApp.server).get('/api/tasks').set(lister)).body.items as { id: string; createdAt: string }[];
      const runningCreatedAt = all.find((task) => task.id === ids.runningA)!.createdAt;
      expect(await count(`createdFrom=${runningCreatedAt}`)).toEqual({ count: 3 });
      expect(await count(`createdTo=${runningCreatedAt}`)).toEqual({ count: 1 });
      // Another tenant's tasks are not counted, and its project matches nothing here.
      expect((await request(testApp.server).get('/api/tasks/count').set(alice).expect(200)).body.count).not.toBe(4);
      await request(testApp.server).get('/api/tasks/count?limit=5').set(lister).expect(400);
      await request(testApp.server).get('/api/tasks/count?state=sleeping').set(lister).expect(400);
    });

    it('refuses a projectId filter that is not a UUID, naming it', async () => {
      for (const path of ['/api/tasks', '/api/tasks/count', '/api/tasks/stats']) {
        const response = await request(testApp.server)
          .get(`${path}?projectId=${encodeURIComponent("a?b'c")}`)
          .set(lister)
          .expect(400);
        expect(response.body.errors.map((error: { field: string }) => error.field)).toEqual(['projectId']);
      }
    });

    it('refuses unknown filters and values', async () => {
      await request(testApp.server).get('/api/tasks?state=sleeping').set(lister).expect(400);
      await request(testApp.server).get('/api/tasks?currentAgent=wizard').set(lister).expect(400);
      await request(testApp.server).get('/api/tasks?createdFrom=yesterday').set(lister).expect(400);
      await request(testApp.server).get('/api/tasks?color=blue').set(lister).expect(400);
    });

    it('pages with a cursor without repeating or skipping', async () => {
      const first = await request(testApp.server).get('/api/tasks?limit=3').set(lister).expect(200);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await request(testApp.server).get(`/api/tasks?limit=3&cursor=${first.body.nextCursor}`).set(lister).expect(200);
      expect(second.body.nextCursor).toBeNull();
      expect([...first.body.items, ...second.body.items].map((task: { id: string }) => task.id)).toEqual(await list(''));
    });

    it('counts tasks by state, for a project, and per project', async () => {
      const stats = (await request(testApp.server).get('/api/tasks/stats').set(lister).expect(200)).body;
      expect(stats).toEqual({
        total: 4,
        byState: { pending: 1, running: 1, awaiting_approval: 0, completed: 1, failed: 0, cancelled: 1 },
      });
      const projectA = (await request(testApp.server).get(`/api/tasks/stats?projectId=${projects.a}`).set(lister).expect(200)).body;
      expect(projectA.total).toBe(2);
      expect(projectA.byState).toMatchObject({ pending: 1, running: 1, completed: 0 });
      const grouped = (await request(testApp.server).get('/api/tasks/stats?groupBy=project').set(lister).expect(200)).body;
      expect(grouped.byProject.map((project: { projectId: string | null; total: number }) => [project.projectId, project.total])).toEqual([
        [null, 1],
        ...[
          [projects.a, 2],
          [projects.b, 1],
        ].sort(([x], [y]) => String(x).localeCompare(String(y))),
      ]);
    });
  });
});

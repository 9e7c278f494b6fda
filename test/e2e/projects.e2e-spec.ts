import request from 'supertest';
import { createProject, createTask, taskIn } from '../support/tasks.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

const ZERO_STATES = { pending: 0, running: 0, awaiting_approval: 0, completed: 0, failed: 0, cancelled: 0 };

describe('projects', () => {
  let testApp: TestApp;
  const api = () => request(testApp.server);

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  describe('create and read', () => {
    const alice = bearer(tokenFor({ tenant: 'p-create', sub: 'alice' }));

    it('creates a project with its timestamps and empty counts; reads it back', async () => {
      const created = await api()
        .post('/api/projects')
        .set(alice)
        .send({ name: 'Billing', description: 'The rewrite', settings: { defaultAgent: 'backend_dev' } })
        .expect(201);
      expect(created.headers.location).toBe(`/api/projects/${created.body.id}`);
      expect(created.body).toEqual({
        id: expect.any(String),
        name: 'Billing',
        description: 'The rewrite',
        settings: { defaultAgent: 'backend_dev' },
        archived: false,
        archivedAt: null,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        updatedAt: created.body.createdAt,
        taskCounts: { total: 0, byState: ZERO_STATES },
        dashboardCount: 0,
      });
      expect((await api().get(`/api/projects/${created.body.id}`).set(alice).expect(200)).body).toEqual(created.body);
      const minimal = await api().post('/api/projects').set(alice).send({ name: 'Minimal' }).expect(201);
      expect(minimal.body).toMatchObject({ description: null, settings: {} });
    });

    it('refuses a name taken in the tenant with a 409 naming it; another tenant may use it', async () => {
      await createProject(testApp, alice, 'Taken');
      const refused = await api().post('/api/projects').set(alice).send({ name: 'Taken' }).expect(409);
      expect(refused.body).toMatchObject({ code: 'PROJECT_NAME_TAKEN', errors: [{ field: 'name', messages: ['already taken'] }] });
      await api()
        .post('/api/projects')
        .set(bearer(tokenFor({ tenant: 'p-other', sub: 'bob' })))
        .send({ name: 'Taken' })
        .expect(201);
    });

    it.each([
      ['no name', {}, 'name'],
      ['a blank name', { name: '  ' }, 'name'],
      ['a name too long', { name: 'n'.repeat(256) }, 'name'],
      ['a name of the wrong type', { name: 42 }, 'name'],
      ['settings that are not an object', { name: 'x', settings: [1] }, 'settings'],
      ['null settings', { name: 'x', settings: null }, 'settings'],
      ['a description too long', { name: 'x', description: 'd'.repeat(10_001) }, 'description'],
      ['an unknown field', { name: 'x', color: 'red' }, 'color'],
    ])('refuses %s with a 400 naming the field', async (_what, body, field) => {
      const response = await api().post('/api/projects').set(alice).send(body).expect(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    });

    it('caps settings at 64 KiB of JSON (413 naming the field)', async () => {
      const response = await api()
        .post('/api/projects')
        .set(alice)
        .send({ name: 'Big', settings: { blob: 'x'.repeat(64 * 1024) } })
        .expect(413);
      expect(response.body.errors).toEqual([{ field: 'settings', messages: ['at most 65536 bytes of JSON'] }]);
      const inexact = await api()
        .post('/api/projects')
        .set(alice)
        .set('content-type', 'application/json')
        .send('{"name": "Inexact", "settings": {"n": 1e400}}')
        .expect(400);
      expect(inexact.body.errors[0].field).toBe('settings');
    });

    it('answers 404 for an unknown project and 400 for an id that is not a UUID', async () => {
      await api().get('/api/projects/0190a5a0-0000-7000-8000-000000000000').set(alice).expect(404);
      await api().get('/api/projects/not-a-uuid').set(alice).expect(400);
    });
  });

  describe('change', () => {
    const carol = bearer(tokenFor({ tenant: 'p-change', sub: 'carol' }));

    it('renames, describes, replaces settings; an empty body changes nothing', async () => {
      const project = await createProject(testApp, carol, 'Old', { description: 'before', settings: { a: 1 } });
      const changed = (
        await api()
          .patch(`/api/projects/${project.id}`)
          .set(carol)
          .send({ name: 'New', description: null, settings: { b: 2 } })
          .expect(200)
      ).body;
      expect(changed).toMatchObject({ id: project.id, name: 'New', description: null, settings: { b: 2 }, createdAt: project.createdAt });
      expect(Date.parse(changed.updatedAt)).toBeGreaterThanOrEqual(Date.parse(project.updatedAt as string));
      expect((await api().patch(`/api/projects/${project.id}`).set(carol).send({}).expect(200)).body).toEqual(changed);
      await api().patch(`/api/projects/${project.id}`).set(carol).send({ name: null }).expect(400);
      await api().patch(`/api/projects/${project.id}`).set(carol).send({ settings: null }).expect(400);
    });

    it('archives with archived: true (keeping the first instant), unarchives with false, or sets archivedAt', async () => {
      const project = await createProject(testApp, carol, 'Archivable');
      const archived = (await api().patch(`/api/projects/${project.id}`).set(carol).send({ archived: true }).expect(200)).body;
      expect(archived).toMatchObject({ archived: true, archivedAt: expect.any(String) });
      const again = (await api().patch(`/api/projects/${project.id}`).set(carol).send({ archived: true }).expect(200)).body;
      expect(again.archivedAt).toBe(archived.archivedAt);
      expect((await api().patch(`/api/projects/${project.id}`).set(carol).send({ archived: false }).expect(200)).body).toMatchObject({
        archived: false,
        archivedAt: null,
      });
      const at = '2026-06-01T12:00:00.000Z';
      expect((await api().patch(`/api/projects/${project.id}`).set(carol).send({ archivedAt: at }).expect(200)).body).toMatchObject({
        archived: true,
        archivedAt: at,
      });
      expect(
        (await api().patch(`/api/projects/${project.id}`).set(carol).send({ archivedAt: null }).expect(200)).body.archivedAt,
      ).toBeNull();
      const both = await api().patch(`/api/projects/${project.id}`).set(carol).send({ archived: true, archivedAt: at }).expect(400);
      expect(both.body.errors[0].field).toBe('archived');
      await api().patch(`/api/projects/${project.id}`).set(carol).send({ archived: 'yes' }).expect(400);
      await api().patch(`/api/projects/${project.id}`).set(carol).send({ archivedAt: 'soon' }).expect(400);
    });

    it('refuses a rename onto a taken name (409) and another tenant’s project (404)', async () => {
      await createProject(testApp, carol, 'First');
      const second = await createProject(testApp, carol, 'Second');
      expect((await api().patch(`/api/projects/${second.id}`).set(carol).send({ name: 'First' }).expect(409)).body.code).toBe(
        'PROJECT_NAME_TAKEN',
      );
      const intruder = bearer(tokenFor({ tenant: 'p-intruder', sub: 'ivan' }));
      await api().patch(`/api/projects/${second.id}`).set(intruder).send({ name: 'Mine' }).expect(404);
      expect((await api().get(`/api/projects/${second.id}`).set(carol).expect(200)).body.name).toBe('Second');
    });
  });

  describe('list and count', () => {
    const lee = bearer(tokenFor({ tenant: 'p-list', sub: 'lee' }));
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      for (const name of ['Alpha', 'alpine tools', '100% done', 'under_score', 'Archived alpha'])
        ids[name] = (await createProject(testApp, lee, name)).id;
      await api().patch(`/api/projects/${ids['Archived alpha']}`).set(lee).send({ archived: true }).expect(200);
      await createProject(testApp, bearer(tokenFor({ tenant: 'p-list-other', sub: 'o' })), 'Alpha elsewhere');
    });

    const names = async (query: string) =>
      ((await api().get(`/api/projects?${query}`).set(lee).expect(200)).body.items as { name: string }[]).map((project) => project.name);
    const count = async (query: string) => (await api().get(`/api/projects/count?${query}`).set(lee).expect(200)).body;

    it('lists the tenant’s projects newest first, and counts them', async () => {
      expect(await names('')).toEqual(['Archived alpha', 'under_score', '100% done', 'alpine tools', 'Alpha']);
      expect(await count('')).toEqual({ count: 5 });
    });

    it('filters by a part of the name, case-insensitively, wildcards taken literally', async () => {
      expect(await names('q=ALP')).toEqual(['Archived alpha', 'alpine tools', 'Alpha']);
      expect(await names(`q=${encodeURIComponent('%')}`)).toEqual(['100% done']);
      expect(await names('q=_')).toEqual(['under_score']);
      expect(await count('q=alp')).toEqual({ count: 3 });
    });

    it('filters by archived or not', async () => {
      expect(await names('archived=true')).toEqual(['Archived alpha']);
      expect(await names('archived=false&q=alp')).toEqual(['alpine tools', 'Alpha']);
      expect(await count('archived=false')).toEqual({ count: 4 });
      await api().get('/api/projects?archived=maybe').set(lee).expect(400);
      await api().get('/api/projects/count?limit=2').set(lee).expect(400);
    });

    it('pages with a cursor without repeating or skipping', async () => {
      const first = (await api().get('/api/projects?limit=2').set(lee).expect(200)).body;
      const second = (await api().get(`/api/projects?limit=2&cursor=${first.nextCursor}`).set(lee).expect(200)).body;
      const third = (await api().get(`/api/projects?limit=2&cursor=${second.nextCursor}`).set(lee).expect(200)).body;
      expect(third.nextCursor).toBeNull();
      expect([...first.items, ...second.items, ...third.items].map((project: { name: string }) => project.name)).toEqual(await names(''));
      await api().get('/api/projects?cursor=garbage').set(lee).expect(400);
    });
  });

  describe('what a project holds', () => {
    const dana = bearer(tokenFor({ tenant: 'p-holds', sub: 'dana' }));
    const admin = bearer(tokenFor({ tenant: 'p-holds', sub: 'root', roles: ['admin'] }));

    it('counts its tasks by state and its dashboards, in the list and the single read', async () => {
      const project = await createProject(testApp, dana, 'Busy');
      const quiet = await createProject(testApp, dana, 'Quiet');
      await createTask(testApp, dana, { projectId: project.id });
      await taskIn(testApp, dana, 'running', { projectId: project.id });
      await taskIn(testApp, dana, 'completed', { projectId: project.id });
      await createTask(testApp, dana, {});
      await api().post('/api/dashboards').set(dana).send({ name: 'Busy board', projectId: project.id }).expect(201);

      const read = (await api().get(`/api/projects/${project.id}`).set(dana).expect(200)).body;
      expect(read.taskCounts).toEqual({ total: 3, byState: { ...ZERO_STATES, pending: 1, running: 1, completed: 1 } });
      expect(read.dashboardCount).toBe(1);
      const listed = (await api().get('/api/projects').set(dana).expect(200)).body.items as {
        id: string;
        taskCounts: unknown;
        dashboardCount: number;
      }[];
      expect(listed.find((item) => item.id === project.id)).toEqual(read);
      expect(listed.find((item) => item.id === quiet.id)).toMatchObject({ taskCounts: { total: 0 }, dashboardCount: 0 });
    });

    it('refuses to delete a project that has tasks or dashboards, naming the counts and suggesting archiving', async () => {
      const withTask = await createProject(testApp, dana, 'Has a task');
      await createTask(testApp, dana, { projectId: withTask.id });
      const refused = await api().delete(`/api/projects/${withTask.id}`).set(admin).expect(409);
      expect(refused.body).toMatchObject({ code: 'PROJECT_IN_USE', taskCount: 1, dashboardCount: 0, trashedDashboardCount: 0 });
      expect(refused.body.detail).toMatch(/archive it instead/);

      const withDashboard = await createProject(testApp, dana, 'Has a board');
      const board = (
        await api().post('/api/dashboards').set(dana).send({ name: 'Board of its own', projectId: withDashboard.id }).expect(201)
      ).body;
      expect((await api().delete(`/api/projects/${withDashboard.id}`).set(dana).expect(409)).body).toMatchObject({
        taskCount: 0,
        dashboardCount: 1,
      });
      // A trashed dashboard still names the project.
      await api().delete(`/api/dashboards/${board.id}`).set(dana).expect(204);
      expect((await api().delete(`/api/projects/${withDashboard.id}`).set(dana).expect(409)).body).toMatchObject({
        dashboardCount: 0,
        trashedDashboardCount: 1,
      });
      await api().get(`/api/projects/${withTask.id}`).set(dana).expect(200);
    });

    it('deletes an empty project (204, then 404), audited', async () => {
      const empty = await createProject(testApp, dana, 'Empty');
      await api().delete(`/api/projects/${empty.id}`).set(dana).expect(204);
      await api().get(`/api/projects/${empty.id}`).set(dana).expect(404);
      await api().delete(`/api/projects/${empty.id}`).set(dana).expect(404);
      const trail = (await api().get(`/api/audit-logs?resourceType=project&resourceId=${empty.id}`).set(admin).expect(200)).body.items as {
        action: string;
      }[];
      expect(trail.map((entry) => entry.action).sort()).toEqual(['project.create', 'project.delete']);
    });

    it('lists a project’s recent tasks newest first, up to limit (default 20, at most 100)', async () => {
      const project = await createProject(testApp, dana, 'Polled');
      const created: string[] = [];
      for (let index = 0; index < 22; index += 1)
        created.push((await createTask(testApp, dana, { projectId: project.id, prompt: `task ${index}` })).id);
      await createTask(testApp, dana, { prompt: 'not of the project' });
      const recent = (await api().get(`/api/projects/${project.id}/tasks/recent`).set(dana).expect(200)).body;
      expect(recent.items.map((task: { id: string }) => task.id)).toEqual(created.slice(2).reverse());
      expect(recent.items[0]).toMatchObject({ projectId: project.id, prompt: 'task 21', state: 'pending' });
      const three = (await api().get(`/api/projects/${project.id}/tasks/recent?limit=3`).set(dana).expect(200)).body;
      expect(three.items.map((task: { id: string }) => task.id)).toEqual(created.slice(-3).reverse());
      for (const limit of ['0', '101', 'many']) {
        const response = await api().get(`/api/projects/${project.id}/tasks/recent?limit=${limit}`).set(dana).expect(400);
        expect(response.body.errors[0].field).toBe('limit');
      }
      await api().get('/api/projects/0190a5a0-0000-7000-8000-000000000000/tasks/recent').set(dana).expect(404);
    });
  });

  describe('another tenant', () => {
    const owner = bearer(tokenFor({ tenant: 'p-owner', sub: 'olga' }));
    const intruder = bearer(tokenFor({ tenant: 'p-intruder2', sub: 'ivan' }));
    let projectId: string;

    beforeAll(async () => {
      projectId = (await createProject(testApp, owner, 'Private')).id;
      await createTask(testApp, owner, { projectId });
    });

    it.each([
      ['GET', ''],
      ['PATCH', ''],
      ['DELETE', ''],
      ['GET', '/tasks/recent'],
    ])('%s /api/projects/:id%s answers 404', async (method, suffix) => {
      const response = await api()
        [method.toLowerCase() as 'get'](`/api/projects/${projectId}${suffix}`)
        .set(intruder)
        .send(method === 'PATCH' ? { name: 'Mine' } : undefined);
      expect(response.status).toBe(404);
    });

    it('sees none of them in its list and count, and cannot name one on its tasks', async () => {
      expect((await api().get('/api/projects').set(intruder).expect(200)).body.items).toEqual([]);
      expect((await api().get('/api/projects/count').set(intruder).expect(200)).body).toEqual({ count: 0 });
      const refused = await api().post('/api/tasks').set(intruder).send({ prompt: 'p', projectId }).expect(400);
      expect(refused.body.errors[0].field).toBe('projectId');
      expect((await api().get(`/api/projects/${projectId}`).set(owner).expect(200)).body).toMatchObject({
        name: 'Private',
        taskCounts: { total: 1 },
      });
    });
  });
});

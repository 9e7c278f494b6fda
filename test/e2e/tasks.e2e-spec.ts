import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

describe('tasks (foundation slice)', () => {
  let testApp: TestApp;
  const alice = bearer(tokenFor({ tenant: 'acme', sub: 'alice' }));
  const mallory = bearer(tokenFor({ tenant: 'globex', sub: 'mallory' }));

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  it('creates a pending task stamped with the caller as creator, ignoring no input field', async () => {
    const created = await request(testApp.server)
      .post('/api/tasks')
      .set(alice)
      .send({ prompt: 'Write the release notes', projectId: 'docs' })
      .expect(201);
    expect(created.headers.location).toBe(`/api/tasks/${created.body.id}`);
    expect(created.body).toMatchObject({ state: 'pending', userId: 'alice', projectId: 'docs', prompt: 'Write the release notes' });
    expect(created.body).not.toHaveProperty('tenantId');

    const read = await request(testApp.server).get(`/api/tasks/${created.body.id}`).set(alice).expect(200);
    expect(read.body.id).toBe(created.body.id);
  });

  it('refuses tenant_id, an owner or unknown fields in the body, changing nothing', async () => {
    const before = await request(testApp.server).get('/api/tasks').set(alice).expect(200);
    const response = await request(testApp.server)
      .post('/api/tasks')
      .set(alice)
      .send({ prompt: 'x', tenantId: 'globex', userId: 'bob' })
      .expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['tenantId', 'userId']);
    const after = await request(testApp.server).get('/api/tasks').set(alice).expect(200);
    expect(after.body.items).toHaveLength(before.body.items.length);
  });

  it('answers 404 for another tenant’s task, and never lists it', async () => {
    const created = await request(testApp.server).post('/api/tasks').set(alice).send({ prompt: 'secret plan' }).expect(201);
    const response = await request(testApp.server).get(`/api/tasks/${created.body.id}`).set(mallory).expect(404);
    expect(response.body).toMatchObject({ status: 404, title: 'Not Found' });
    const list = await request(testApp.server).get('/api/tasks').set(mallory).expect(200);
    expect(list.body.items.map((task: { id: string }) => task.id)).not.toContain(created.body.id);
  });

  it('pages newest first with a cursor, without repeating or skipping', async () => {
    const token = bearer(tokenFor({ tenant: 'pager', sub: 'pat' }));
    for (let i = 0; i < 5; i++) {
      await request(testApp.server).post('/api/tasks').set(token).send({ prompt: `task ${i}` }).expect(201);
    }
    const first = await request(testApp.server).get('/api/tasks?limit=2').set(token).expect(200);
    expect(first.body.items.map((task: { prompt: string }) => task.prompt)).toEqual(['task 4', 'task 3']);
    const second = await request(testApp.server).get(`/api/tasks?limit=2&cursor=${first.body.nextCursor}`).set(token).expect(200);
    const third = await request(testApp.server).get(`/api/tasks?limit=2&cursor=${second.body.nextCursor}`).set(token).expect(200);
    expect([...second.body.items, ...third.body.items].map((task: { prompt: string }) => task.prompt)).toEqual(['task 2', 'task 1', 'task 0']);
    expect(third.body.nextCursor).toBeNull();
  });

  it('rejects bad pagination input with a 400 problem', async () => {
    await request(testApp.server).get('/api/tasks?limit=201').set(alice).expect(400);
    await request(testApp.server).get('/api/tasks?limit=0').set(alice).expect(400);
    const badCursor = await request(testApp.server).get('/api/tasks?cursor=not-a-cursor').set(alice).expect(400);
    expect(badCursor.body.detail).toMatch(/cursor/);
  });
});

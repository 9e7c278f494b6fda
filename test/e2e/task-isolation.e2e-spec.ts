import request from 'supertest';
import { taskIn } from '../support/tasks.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

/** Every tasks route, called by another tenant with the owner's ids: 404, and nothing changes. */
describe('tasks across tenants', () => {
  let testApp: TestApp;
  const owner = bearer(tokenFor({ tenant: 'owner-co', sub: 'olga' }));
  const intruder = bearer(tokenFor({ tenant: 'intruder-co', sub: 'ivan', roles: ['admin', 'service'] }));
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    testApp = await startTestApp();
    const task = await taskIn(testApp, owner, 'running');
    ids.task = task.id;
    ids.execution = (
      await request(testApp.server).post(`/api/tasks/${task.id}/executions`).set(owner).send({ agentType: 'tester' })
    ).body.id;
    ids.artifact = (
      await request(testApp.server)
        .post(`/api/tasks/${task.id}/artifacts`)
        .set(owner)
        .send({ type: 'log', path: 'a.log', content: 'secret' })
    ).body.id;
    await request(testApp.server).post(`/api/tasks/${task.id}/transitions`).set(owner).send({ to: 'awaiting_approval' }).expect(200);
  });
  afterAll(() => testApp.close());

  const review = {
    iteration: 1,
    agentType: 'reviewer',
    qualityScore: 1,
    completenessScore: 1,
    correctnessScore: 1,
    overallScore: 1,
    decision: 'accept',
  };
  // Four members in every row: jest would take a missing last argument for a `done` callback.
  const routes: [string, string, (ids: Record<string, string>) => string, object | undefined][] = [
    ['GET', 'a task', (i) => `/api/tasks/${i.task}`, undefined],
    ['PATCH', 'a task', (i) => `/api/tasks/${i.task}`, { prompt: 'hijacked' }],
    ['POST', 'a transition', (i) => `/api/tasks/${i.task}/transitions`, { to: 'cancelled' }],
    ['GET', 'a lineage', (i) => `/api/tasks/${i.task}/lineage`, undefined],
    ['POST', 'an execution', (i) => `/api/tasks/${i.task}/executions`, { agentType: 'tester' }],
    ['GET', 'the executions of a task', (i) => `/api/tasks/${i.task}/executions`, undefined],
    ['GET', 'an execution', (i) => `/api/executions/${i.execution}`, undefined],
    ['PATCH', 'an execution', (i) => `/api/executions/${i.execution}`, { status: 'completed' }],
    ['POST', 'a review', (i) => `/api/executions/${i.execution}/reviews`, review],
    ['GET', 'the reviews of a task', (i) => `/api/tasks/${i.task}/reviews`, undefined],
    ['DELETE', 'a task', (i) => `/api/tasks/${i.task}`, undefined],
    ['POST', 'an artifact', (i) => `/api/tasks/${i.task}/artifacts`, { type: 'log', path: 'b.log' }],
    ['GET', 'an artifact', (i) => `/api/artifacts/${i.artifact}`, undefined],
    ['POST', 'an approval', (i) => `/api/tasks/${i.task}/approvals`, { decision: 'rejected' }],
  ];

  it.each(routes)('%s of %s answers 404', async (method, _what, path, body) => {
    const response = await request(testApp.server)[method.toLowerCase() as 'get'](path(ids)).set(intruder).send(body);
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('left the owner’s task exactly as it was', async () => {
    const task = (await request(testApp.server).get(`/api/tasks/${ids.task}`).set(owner).expect(200)).body;
    expect(task).toMatchObject({ state: 'awaiting_approval', prompt: 'do the thing', approvals: [] });
    expect(task.executions).toHaveLength(1);
    expect(task.executions[0]).toMatchObject({ status: 'running', reviewCount: 0 });
    expect(task.artifacts).toHaveLength(1);
  });

  it('shows the intruder none of it in lists and stats', async () => {
    expect((await request(testApp.server).get('/api/tasks').set(intruder)).body.items).toEqual([]);
    expect((await request(testApp.server).get('/api/tasks/stats').set(intruder)).body.total).toBe(0);
    expect((await request(testApp.server).get('/api/tasks/count').set(intruder)).body).toEqual({ count: 0 });
  });
});

import request from 'supertest';
import { createTask, taskIn } from '../support/tasks.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

describe('executions, reviews, artifacts and approvals', () => {
  let testApp: TestApp;
  const auth = bearer(tokenFor({ tenant: 'work', sub: 'wendy' }));
  const approver = bearer(tokenFor({ tenant: 'work', sub: 'boss' }));
  const api = () => request(testApp.server);

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  describe('executions', () => {
    it('start only while the task runs, and set its current agent', async () => {
      const pending = await createTask(testApp, auth);
      const refused = await api().post(`/api/tasks/${pending.id}/executions`).set(auth).send({ agentType: 'architect' }).expect(409);
      expect(refused.body.currentState).toBe('pending');

      const task = await taskIn(testApp, auth, 'running');
      const execution = await api()
        .post(`/api/tasks/${task.id}/executions`)
        .set(auth)
        .send({ agentType: 'architect', input: { goal: 'design' } })
        .expect(201);
      expect(execution.body).toMatchObject({
        taskId: task.id,
        agentType: 'architect',
        status: 'running',
        input: { goal: 'design' },
        finishedAt: null,
      });
      expect((await api().get(`/api/tasks/${task.id}`).set(auth)).body.currentAgent).toBe('architect');
    });

    it('refuse an unknown agent type', async () => {
      const task = await taskIn(testApp, auth, 'running');
      const response = await api().post(`/api/tasks/${task.id}/executions`).set(auth).send({ agentType: 'wizard' }).expect(400);
      expect(response.body.errors[0].field).toBe('agentType');
    });

    it('finish exactly once', async () => {
      const task = await taskIn(testApp, auth, 'running');
      const execution = (await api().post(`/api/tasks/${task.id}/executions`).set(auth).send({ agentType: 'backend_dev' })).body;
      const finished = await api()
        .patch(`/api/executions/${execution.id}`)
        .set(auth)
        .send({ status: 'completed', output: { diff: '+1' }, durationMs: 1200, tokensUsed: 5300 })
        .expect(200);
      expect(finished.body).toMatchObject({
        status: 'completed',
        output: { diff: '+1' },
        durationMs: 1200,
        tokensUsed: 5300,
        finishedAt: expect.any(String),
      });
      const again = await api().patch(`/api/executions/${execution.id}`).set(auth).send({ status: 'failed', error: 'late' }).expect(409);
      expect(again.body).toMatchObject({ status: 409, executionStatus: 'completed' });
    });

    it('finish as failed only with an error, and with sane numbers', async () => {
      const task = await taskIn(testApp, auth, 'running');
      const execution = (await api().post(`/api/tasks/${task.id}/executions`).set(auth).send({ agentType: 'tester' })).body;
      await api().patch(`/api/executions/${execution.id}`).set(auth).send({ status: 'failed' }).expect(400);
      await api().patch(`/api/executions/${execution.id}`).set(auth).send({ status: 'completed', durationMs: -1 }).expect(400);
      await api().patch(`/api/executions/${execution.id}`).set(auth).send({ status: 'running' }).expect(400);
      await api()
        .patch(`/api/executions/${execution.id}`)
        .set(auth)
        .send({ status: 'failed', error: { message: 'flaky' } })
        .expect(200);
    });

    it('carry their self-reviews: counted in the task, whole with the execution', async () => {
      const task = await taskIn(testApp, auth, 'running');
      const execution = (await api().post(`/api/tasks/${task.id}/executions`).set(auth).send({ agentType: 'reviewer' })).body;
      const review = {
        iteration: 1,
        agentType: 'tester',
        qualityScore: 0.8,
        completenessScore: 0.6,
        correctnessScore: 0.9,
        overallScore: 0.75,
        gaps: ['no tests for errors'],
        requirements: ['cover the 409 path'],
        decision: 'iterate',
        reasoning: 'close, but incomplete',
        durationMs: 300,
      };
      const created = await api().post(`/api/executions/${execution.id}/reviews`).set(auth).send(review).expect(201);
      expect(created.body).toMatchObject(review);
      await api()
        .post(`/api/executions/${execution.id}/reviews`)
        .set(auth)
        .send({ ...review, iteration: 2, overallScore: 0.95, decision: 'accept' })
        .expect(201);

      const read = (await api().get(`/api/tasks/${task.id}`).set(auth).expect(200)).body;
      expect(read.executions).toHaveLength(1);
      expect(read.executions[0]).toMatchObject({ reviewCount: 2 });
      expect(read.executions[0]).not.toHaveProperty('reviews');
      const whole = (await api().get(`/api/executions/${execution.id}`).set(auth).expect(200)).body;
      expect(whole.reviews.map((r: { iteration: number; decision: string }) => [r.iteration, r.decision])).toEqual([
        [1, 'iterate'],
        [2, 'accept'],
      ]);
    });

    it('refuse a review with scores outside 0–1 or missing fields', async () => {
      const task = await taskIn(testApp, auth, 'running');
      const execution = (await api().post(`/api/tasks/${task.id}/executions`).set(auth).send({ agentType: 'reviewer' })).body;
      const base = {
        iteration: 1,
        agentType: 'reviewer',
        qualityScore: 0.5,
        completenessScore: 0.5,
        correctnessScore: 0.5,
        overallScore: 0.5,
        decision: 'accept',
      };
      const tooHigh = await api()
        .post(`/api/executions/${execution.id}/reviews`)
        .set(auth)
        .send({ ...base, overallScore: 1.2 })
        .expect(400);
      expect(tooHigh.body.errors[0].field).toBe('overallScore');
      await api()
        .post(`/api/executions/${execution.id}/reviews`)
        .set(auth)
        .send({ ...base, qualityScore: -0.1 })
        .expect(400);
      await api()
        .post(`/api/executions/${execution.id}/reviews`)
        .set(auth)
        .send({ ...base, decision: undefined })
        .expect(400);
      for (const agentType of [undefined, 'wizard', null]) {
        const response = await api()
          .post(`/api/executions/${execution.id}/reviews`)
          .set(auth)
          .send({ ...base, agentType })
          .expect(400);
        expect(response.body.errors.map((error: { field: string }) => error.field)).toEqual(['agentType']);
      }
    });
  });

  describe('artifacts', () => {
    it('are added to an unfinished task, read back with content, and listed with the task without it', async () => {
      const task = await taskIn(testApp, auth, 'running');
      const execution = (await api().post(`/api/tasks/${task.id}/executions`).set(auth).send({ agentType: 'frontend_dev' })).body;
      const created = await api()
        .post(`/api/tasks/${task.id}/artifacts`)
        .set(auth)
        .send({
          type: 'source_file',
          path: 'src/app.tsx',
          content: 'export const App = () => null;',
          metadata: { lang: 'tsx' },
          executionId: execution.id,
        })
        .expect(201);
      expect(created.headers.location).toBe(`/api/artifacts/${created.body.id}`);
      expect(created.body).toMatchObject({ executionId: execution.id, contentBytes: 30, approved: null });

      const read = await api().get(`/api/artifacts/${created.body.id}`).set(auth).expect(200);
      expect(read.body.content).toBe('export const App = () => null;');
      const withTask = (await api().get(`/api/tasks/${task.id}`).set(auth)).body.artifacts;
      expect(withTask).toHaveLength(1);
      expect(withTask[0]).not.toHaveProperty('content');
      expect(withTask[0].contentBytes).toBe(30);
    });

    it('refuse content over the cap, an execution of another task, and a finished task', async () => {
      const task = await taskIn(testApp, auth, 'running');
      const tooBig = await api()
        .post(`/api/tasks/${task.id}/artifacts`)
        .set(auth)
        .send({ type: 'log', path: 'big.log', content: 'x'.repeat(512 * 1024 + 1) })
        .expect(400);
      expect(tooBig.body.errors[0]).toMatchObject({ field: 'content' });

      const other = await taskIn(testApp, auth, 'running');
      const foreign = (await api().post(`/api/tasks/${other.id}/executions`).set(auth).send({ agentType: 'tester' })).body;
      await api()
        .post(`/api/tasks/${task.id}/artifacts`)
        .set(auth)
        .send({ type: 'log', path: 'a.log', executionId: foreign.id })
        .expect(400);

      const done = await taskIn(testApp, auth, 'completed');
      await api().post(`/api/tasks/${done.id}/artifacts`).set(auth).send({ type: 'log', path: 'late.log' }).expect(409);
    });
  });

  describe('approvals', () => {
    it.each(['pending', 'running', 'completed', 'failed', 'cancelled'])('are refused while the task is %s', async (state) => {
      const task = await taskIn(testApp, auth, state);
      const refused = await api().post(`/api/tasks/${task.id}/approvals`).set(approver).send({ decision: 'approved' }).expect(409);
      expect(refused.body.currentState).toBe(state);
    });

    it('approved: runs the task again and marks the named artifacts, the approver being the caller', async () => {
      const task = await taskIn(testApp, auth, 'running');
      const artifact = (
        await api().post(`/api/tasks/${task.id}/artifacts`).set(auth).send({ type: 'plan', path: 'plan.md', content: '# plan' })
      ).body;
      await api().post(`/api/tasks/${task.id}/transitions`).set(auth).send({ to: 'awaiting_approval' }).expect(200);

      const decided = await api()
        .post(`/api/tasks/${task.id}/approvals`)
        .set(approver)
        .send({ decision: 'approved', reason: 'looks right', artifactIds: [artifact.id] })
        .expect(201);
      expect(decided.body.approval).toMatchObject({
        decision: 'approved',
        approverId: 'boss',
        artifactIds: [artifact.id],
        reason: 'looks right',
      });
      expect(decided.body.task.state).toBe('running');

      const read = (await api().get(`/api/tasks/${task.id}`).set(auth)).body;
      expect(read.state).toBe('running');
      expect(read.artifacts[0].approved).toBe(true);
      expect(read.approvals).toHaveLength(1);
    });

    it('rejected: cancels the task and marks the artifacts rejected', async () => {
      const task = await taskIn(testApp, auth, 'running');
      const artifact = (await api().post(`/api/tasks/${task.id}/artifacts`).set(auth).send({ type: 'plan', path: 'plan.md' })).body;
      await api().post(`/api/tasks/${task.id}/transitions`).set(auth).send({ to: 'awaiting_approval' }).expect(200);
      const decided = await api()
        .post(`/api/tasks/${task.id}/approvals`)
        .set(approver)
        .send({ decision: 'rejected', artifactIds: [artifact.id] })
        .expect(201);
      expect(decided.body.task).toMatchObject({ state: 'cancelled', completedAt: expect.any(String) });
      expect((await api().get(`/api/artifacts/${artifact.id}`).set(auth)).body.approved).toBe(false);
    });

    it('are refused to services with a 403, recorded as access.denied, changing nothing', async () => {
      const service = bearer(tokenFor({ tenant: 'work', sub: 'auto-approver', roles: ['service', 'admin'] }));
      const auditor = bearer(tokenFor({ tenant: 'work', sub: 'auditor', roles: ['admin'] }));
      const task = await taskIn(testApp, auth, 'awaiting_approval');
      const refused = await api().post(`/api/tasks/${task.id}/approvals`).set(service).send({ decision: 'approved' }).expect(403);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((await api().get(`/api/tasks/${task.id}`).set(auth)).body).toMatchObject({ state: 'awaiting_approval', approvals: [] });
      const denials = (
        await api().get('/api/audit-logs').query({ action: 'access.denied', actorId: 'service:auto-approver' }).set(auditor).expect(200)
      ).body.items;
      expect(denials).toEqual([
        expect.objectContaining({
          requestId: refused.body.requestId,
          details: expect.objectContaining({ method: 'POST', path: `/api/tasks/${task.id}/approvals` }),
        }),
      ]);
    });

    it('refuse artifacts of another task and unknown decisions, changing nothing', async () => {
      const task = await taskIn(testApp, auth, 'awaiting_approval');
      const other = await taskIn(testApp, auth, 'running');
      const foreign = (await api().post(`/api/tasks/${other.id}/artifacts`).set(auth).send({ type: 'plan', path: 'x.md' })).body;
      await api()
        .post(`/api/tasks/${task.id}/approvals`)
        .set(approver)
        .send({ decision: 'approved', artifactIds: [foreign.id] })
        .expect(400);
      await api().post(`/api/tasks/${task.id}/approvals`).set(approver).send({ decision: 'maybe' }).expect(400);
      const read = (await api().get(`/api/tasks/${task.id}`).set(auth)).body;
      expect(read.state).toBe('awaiting_approval');
      expect(read.approvals).toEqual([]);
    });
  });
});

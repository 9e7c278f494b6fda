import request from 'supertest';
import { createTask, taskIn } from '../support/tasks.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

describe('task deletion and review listing', () => {
  let testApp: TestApp;
  const api = () => request(testApp.server);
  const auth = bearer(tokenFor({ tenant: 'deletion', sub: 'dora' }));
  const admin = bearer(tokenFor({ tenant: 'deletion', sub: 'root', roles: ['admin'] }));
  const review = (iteration: number, agentType = 'reviewer') => ({
    iteration,
    agentType,
    qualityScore: 0.5,
    completenessScore: 0.5,
    correctnessScore: 0.5,
    overallScore: 0.5,
    decision: 'iterate',
  });
  const trailOf = async (resourceType: string, resourceId: string) =>
    (
      (await api().get(`/api/audit-logs?resourceType=${resourceType}&resourceId=${resourceId}`).set(admin).expect(200)).body.items as {
        action: string;
      }[]
    )
      .map((entry) => entry.action)
      .reverse();

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  describe('DELETE /api/tasks/:id', () => {
    it('removes a completed task with its executions, reviews, artifacts and approvals, each row audited', async () => {
      const task = await taskIn(testApp, auth, 'running');
      const execution = (await api().post(`/api/tasks/${task.id}/executions`).set(auth).send({ agentType: 'tester' }).expect(201)).body;
      const added = (await api().post(`/api/executions/${execution.id}/reviews`).set(auth).send(review(1)).expect(201)).body;
      const artifact = (
        await api()
          .post(`/api/tasks/${task.id}/artifacts`)
          .set(auth)
          .send({ type: 'log', path: 'a.log', content: 'hi', executionId: execution.id })
          .expect(201)
      ).body;
      await api().post(`/api/tasks/${task.id}/transitions`).set(auth).send({ to: 'awaiting_approval' }).expect(200);
      const approval = (
        await api()
          .post(`/api/tasks/${task.id}/approvals`)
          .set(auth)
          .send({ decision: 'approved', artifactIds: [artifact.id] })
          .expect(201)
      ).body.approval;
      await api().post(`/api/tasks/${task.id}/transitions`).set(auth).send({ to: 'completed' }).expect(200);

      await api().delete(`/api/tasks/${task.id}`).set(auth).expect(204);
      await api().get(`/api/tasks/${task.id}`).set(auth).expect(404);
      await api().get(`/api/executions/${execution.id}`).set(auth).expect(404);
      await api().get(`/api/artifacts/${artifact.id}`).set(auth).expect(404);
      await api().delete(`/api/tasks/${task.id}`).set(auth).expect(404);
      expect((await trailOf('task', task.id)).at(-1)).toBe('task.delete');
      expect(await trailOf('task_execution', execution.id)).toEqual(['task_execution.create', 'task_execution.delete']);
      expect(await trailOf('execution_review', added.id)).toEqual(['execution_review.create', 'execution_review.delete']);
      expect((await trailOf('task_artifact', artifact.id)).at(-1)).toBe('task_artifact.delete');
      expect(await trailOf('task_approval', approval.id)).toEqual(['task_approval.create', 'task_approval.delete']);
    });

    it.each(['failed', 'cancelled'])('removes a %s task; a lesson naming it stays, its taskId cleared', async (state) => {
      const task = await taskIn(testApp, auth, state);
      const lesson = (
        await api()
          .post('/api/lessons')
          .set(auth)
          .send({ category: 'testing', title: `Learnt from a ${state} task`, summary: 'Check first', taskId: task.id })
          .expect(201)
      ).body;
      await api().delete(`/api/tasks/${task.id}`).set(auth).expect(204);
      await api().get(`/api/tasks/${task.id}`).set(auth).expect(404);
      expect((await api().get(`/api/lessons/${lesson.id}`).set(auth).expect(200)).body).toMatchObject({ id: lesson.id, taskId: null });
    });

    it.each(['pending', 'running', 'awaiting_approval'])(
      'refuses a %s task with a 409 naming its state, unless an admin asks',
      async (state) => {
        const task = await taskIn(testApp, auth, state);
        const refused = await api().delete(`/api/tasks/${task.id}`).set(auth).expect(409);
        expect(refused.body).toMatchObject({
          code: 'TASK_NOT_DELETABLE',
          currentState: state,
          deletableStates: ['completed', 'failed', 'cancelled'],
        });
        expect((await api().get(`/api/tasks/${task.id}`).set(auth).expect(200)).body.state).toBe(state);
        // An admin's deletion cancels the task, then deletes it: both in the trail, in that order.
        await api().delete(`/api/tasks/${task.id}`).set(admin).expect(204);
        await api().get(`/api/tasks/${task.id}`).set(auth).expect(404);
        expect((await trailOf('task', task.id)).slice(-2)).toEqual(['task.transition', 'task.delete']);
      },
    );

    it('refuses a task others depend on with a 409 naming them; once they are gone it goes', async () => {
      const upstream = await taskIn(testApp, auth, 'completed');
      const first = await createTask(testApp, auth, { dependsOn: [upstream.id] });
      const second = await taskIn(testApp, auth, 'cancelled', { dependsOn: [upstream.id] });
      const refused = await api().delete(`/api/tasks/${upstream.id}`).set(admin).expect(409);
      expect(refused.body).toMatchObject({
        code: 'TASK_HAS_DEPENDENTS',
        dependents: [
          { id: first.id, state: 'pending' },
          { id: second.id, state: 'cancelled' },
        ].sort((a, b) => a.id.localeCompare(b.id)),
      });
      // Deleting a dependent takes its own edges with it.
      await api().delete(`/api/tasks/${second.id}`).set(auth).expect(204);
      await api().patch(`/api/tasks/${first.id}`).set(auth).send({ dependsOn: [] }).expect(200);
      await api().delete(`/api/tasks/${upstream.id}`).set(auth).expect(204);
    });

    it('answers 404 for an unknown task and 400 for an id that is not a UUID', async () => {
      await api().delete('/api/tasks/0190a5a0-0000-7000-8000-000000000000').set(auth).expect(404);
      await api().delete('/api/tasks/nope').set(auth).expect(400);
    });
  });

  describe('GET /api/tasks/:id/reviews', () => {
    let taskId: string;
    const executions: string[] = [];
    const reviews: string[] = [];

    beforeAll(async () => {
      taskId = (await taskIn(testApp, auth, 'running')).id;
      for (const agentType of ['backend_dev', 'tester']) {
        executions.push((await api().post(`/api/tasks/${taskId}/executions`).set(auth).send({ agentType }).expect(201)).body.id);
      }
      for (const [execution, iteration, agentType] of [
        [0, 1, 'reviewer'],
        [0, 2, 'architect'],
        [1, 1, 'reviewer'],
      ] as const) {
        reviews.push(
          (await api().post(`/api/executions/${executions[execution]}/reviews`).set(auth).send(review(iteration, agentType)).expect(201))
            .body.id,
        );
      }
    });

    it('lists a task’s reviews newest first, each with the agent that wrote it', async () => {
      const page = (await api().get(`/api/tasks/${taskId}/reviews`).set(auth).expect(200)).body;
      expect(page.nextCursor).toBeNull();
      expect(page.items.map((item: { id: string }) => item.id)).toEqual([...reviews].reverse());
      expect(page.items[0]).toMatchObject({
        executionId: executions[1],
        iteration: 1,
        agentType: 'reviewer',
        decision: 'iterate',
        createdAt: expect.stringMatching(/Z$/),
      });
      expect(page.items.map((item: { agentType: string }) => item.agentType)).toEqual(['reviewer', 'architect', 'reviewer']);
    });

    it('narrows to one execution, and pages by cursor', async () => {
      const ofFirst = (await api().get(`/api/tasks/${taskId}/reviews?executionId=${executions[0]}`).set(auth).expect(200)).body;
      expect(ofFirst.items.map((item: { id: string }) => item.id)).toEqual([reviews[1], reviews[0]]);
      const first = (await api().get(`/api/tasks/${taskId}/reviews?limit=2`).set(auth).expect(200)).body;
      const second = (await api().get(`/api/tasks/${taskId}/reviews?limit=2&cursor=${first.nextCursor}`).set(auth).expect(200)).body;
      expect([...first.items, ...second.items].map((item: { id: string }) => item.id)).toEqual([...reviews].reverse());
      expect(second.nextCursor).toBeNull();
    });

    it('shows nothing of another task’s execution, refuses bad parameters, 404 for an unknown task', async () => {
      const other = await taskIn(testApp, auth, 'running');
      const foreignExecution = (await api().post(`/api/tasks/${other.id}/executions`).set(auth).send({ agentType: 'tester' }).expect(201))
        .body.id;
      expect((await api().get(`/api/tasks/${taskId}/reviews?executionId=${foreignExecution}`).set(auth).expect(200)).body.items).toEqual(
        [],
      );
      expect((await api().get(`/api/tasks/${other.id}/reviews`).set(auth).expect(200)).body.items).toEqual([]);
      const bad = await api().get(`/api/tasks/${taskId}/reviews?executionId=nope`).set(auth).expect(400);
      expect(bad.body.errors[0].field).toBe('executionId');
      await api().get(`/api/tasks/${taskId}/reviews?limit=0`).set(auth).expect(400);
      await api().get('/api/tasks/0190a5a0-0000-7000-8000-000000000000/reviews').set(auth).expect(404);
    });
  });
});

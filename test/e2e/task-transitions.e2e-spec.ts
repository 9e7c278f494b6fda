import request from 'supertest';
import { TASK_STATES } from '../../src/modules/tasks/task-state.js';
import { createTask, taskIn } from '../support/tasks.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

const LEGAL: Record<string, string[]> = {
  pending: ['running', 'cancelled'],
  running: ['awaiting_approval', 'completed', 'failed', 'cancelled'],
  awaiting_approval: ['running', 'cancelled'],
  completed: [],
  failed: [],
  cancelled: [],
};
const FINAL = ['completed', 'failed', 'cancelled'];

describe('task transitions', () => {
  let testApp: TestApp;
  const auth = bearer(tokenFor({ tenant: 'flow', sub: 'fran' }));
  const move = (id: string, body: Record<string, unknown>) =>
    request(testApp.server).post(`/api/tasks/${id}/transitions`).set(auth).send(body);

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  const cases = TASK_STATES.flatMap((from) => TASK_STATES.map((to) => [from, to, LEGAL[from].includes(to)] as const));

  it.each(cases.filter(([, , legal]) => legal))('moves %s → %s', async (from, to) => {
    const task = await taskIn(testApp, auth, from);
    const response = await move(task.id, { to, ...(to === 'failed' && { error: { reason: 'tests failed' } }) }).expect(200);
    expect(response.body.state).toBe(to);
    expect(response.body.completedAt === null).toBe(!FINAL.includes(to));
  });

  it.each(cases.filter(([, , legal]) => !legal))('refuses %s → %s with 409 naming the current and allowed states', async (from, to) => {
    const task = await taskIn(testApp, auth, from);
    const response = await move(task.id, { to, ...(to === 'failed' && { error: 'x' }) }).expect(409);
    expect(response.body).toMatchObject({ status: 409, currentState: from, allowedStates: LEGAL[from] });
    expect((await request(testApp.server).get(`/api/tasks/${task.id}`).set(auth)).body.state).toBe(from);
  });

  it('keeps a result on completion and an error on failure, answering what it wrote', async () => {
    const done = await taskIn(testApp, auth, 'running');
    const completed = (await move(done.id, { to: 'completed', result: { files: 3 } }).expect(200)).body;
    expect(completed.result).toEqual({ files: 3 });
    const broken = await taskIn(testApp, auth, 'running');
    const failed = (await move(broken.id, { to: 'failed', error: 'compiler crashed' }).expect(200)).body;
    expect(failed.error).toBe('compiler crashed');
    for (const moved of [completed, failed]) {
      const { executions, executionCount, artifacts, approvals, ...read } = (
        await request(testApp.server).get(`/api/tasks/${moved.id}`).set(auth)
      ).body;
      expect(read).toEqual(moved);
    }
  });

  it('requires an error to fail, and a known state', async () => {
    const task = await taskIn(testApp, auth, 'running');
    const noError = await move(task.id, { to: 'failed' }).expect(400);
    expect(noError.body.errors[0]).toMatchObject({ field: 'error' });
    await move(task.id, { to: 'sleeping' }).expect(400);
    await move(task.id, {}).expect(400);
  });

  it('refuses a result or an error on a move that would not keep it', async () => {
    const task = await taskIn(testApp, auth, 'running');
    const withResult = await move(task.id, { to: 'awaiting_approval', result: { x: 1 } }).expect(400);
    expect(withResult.body.errors[0].field).toBe('result');
    const withError = await move(task.id, { to: 'completed', error: 'not a failure' }).expect(400);
    expect(withError.body.errors[0].field).toBe('error');
    expect((await request(testApp.server).get(`/api/tasks/${task.id}`).set(auth)).body.state).toBe('running');
  });

  it('clears the current agent when a task ends', async () => {
    const task = await taskIn(testApp, auth, 'running');
    await request(testApp.server).post(`/api/tasks/${task.id}/executions`).set(auth).send({ agentType: 'reviewer' }).expect(201);
    const ended = await move(task.id, { to: 'cancelled' }).expect(200);
    expect(ended.body.currentAgent).toBeNull();
  });

  it('will not run a task before everything it depends on has completed', async () => {
    const first = await createTask(testApp, auth);
    const second = await taskIn(testApp, auth, 'running');
    const dependent = await createTask(testApp, auth, { dependsOn: [first.id, second.id] });
    const blocked = await move(dependent.id, { to: 'running' }).expect(409);
    expect(blocked.body.blockers).toEqual(
      [
        { id: first.id, state: 'pending' },
        { id: second.id, state: 'running' },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
    await move(first.id, { to: 'running' }).expect(200);
    await move(first.id, { to: 'completed' }).expect(200);
    await move(second.id, { to: 'completed' }).expect(200);
    await move(dependent.id, { to: 'running' }).expect(200);
  });

  it('lets exactly one of two simultaneous identical moves win', async () => {
    for (let round = 0; round < 5; round++) {
      const task = await createTask(testApp, auth);
      const statuses = (await Promise.all([move(task.id, { to: 'running' }), move(task.id, { to: 'running' })]))
        .map((r) => r.status)
        .sort();
      expect(statuses).toEqual([200, 409]);
    }
  });

  it('never reaches an impossible state under concurrent conflicting moves', async () => {
    for (let round = 0; round < 5; round++) {
      const task = await taskIn(testApp, auth, 'running');
      const responses = await Promise.all([
        move(task.id, { to: 'completed' }),
        move(task.id, { to: 'failed', error: 'x' }),
        move(task.id, { to: 'cancelled' }),
        move(task.id, { to: 'awaiting_approval' }),
      ]);
      const winners = responses.filter((response) => response.status === 200);
      const final = (await request(testApp.server).get(`/api/tasks/${task.id}`).set(auth)).body;
      if (winners.length === 1) {
        expect(FINAL).toContain(final.state);
      } else {
        // awaiting_approval won first, then one move out of it (only cancelled is legal from there).
        expect(winners.map((response) => response.body.state).sort()).toEqual(['awaiting_approval', 'cancelled']);
        expect(final.state).toBe('cancelled');
      }
      expect(responses.every((response) => [200, 409].includes(response.status))).toBe(true);
    }
  });
});

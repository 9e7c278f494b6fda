import request from 'supertest';
import { createTask, seedAsTenant, taskIn } from '../support/tasks.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

const KIB = 1024;
const MAX_OUTCOME = 256 * KIB;
const MAX_SETTINGS = 64 * KIB;
/** A JSON string of exactly `bytes` bytes as JSON (its quotes included). */
const jsonString = (bytes: number, fill = 'x') => fill.repeat(bytes - 2);

interface ExecutionSummary {
  id: string;
  startedAt: string;
  sizes: { input: number | null; output: number | null; error: number | null };
  reviewCount: number;
}

describe('bounded task reads and caps', () => {
  let testApp: TestApp;
  const tenant = 'bounded';
  const auth = bearer(tokenFor({ tenant, sub: 'bea' }));
  const api = () => request(testApp.server);
  const start = (taskId: string, body: object = { agentType: 'tester' }) =>
    api().post(`/api/tasks/${taskId}/executions`).set(auth).send(body);

  beforeAll(async () => {
    // 20 reads at once queue for the tenant's share of the pool: on a loaded machine, longer than the default allows.
    testApp = await startTestApp({ DB_TENANT_QUEUE_TIMEOUT_MS: '30000' });
  });
  afterAll(() => testApp.close());

  describe('executions', () => {
    let taskId: string;
    const started: string[] = [];

    beforeAll(async () => {
      taskId = (await taskIn(testApp, auth, 'running')).id;
      for (let i = 0; i < 7; i++) {
        const execution = (await start(taskId, { agentType: 'backend_dev', input: { step: i, notes: 'n'.repeat(100) } }).expect(201)).body;
        started.unshift(execution.id);
      }
      await api()
        .patch(`/api/executions/${started[0]}`)
        .set(auth)
        .send({ status: 'failed', output: 'partial', error: { message: 'boom' } })
        .expect(200);
      await api().post(`/api/executions/${started[0]}/reviews`).set(auth).send(review(1)).expect(201);
      await api().post(`/api/executions/${started[0]}/reviews`).set(auth).send(review(2)).expect(201);
    });

    it('a task read embeds the latest five, without their large fields, and counts them all', async () => {
      const read = (await api().get(`/api/tasks/${taskId}`).set(auth).expect(200)).body;
      expect(read.executionCount).toBe(7);
      expect(read.executions.map((execution: ExecutionSummary) => execution.id)).toEqual(started.slice(0, 5));
      expect(read.executions[0]).toEqual({
        id: started[0],
        taskId,
        agentType: 'backend_dev',
        status: 'failed',
        durationMs: null,
        tokensUsed: null,
        startedAt: expect.any(String),
        finishedAt: expect.any(String),
        // Bytes of the JSON as PostgreSQL writes it: a space after each `:` and `,`.
        sizes: {
          input: JSON.stringify({ step: 6, notes: 'n'.repeat(100) }).length + 3,
          output: '"partial"'.length,
          error: '{"message": "boom"}'.length,
        },
        reviewCount: 2,
      });
      expect(read.executions[1]).toMatchObject({ sizes: { output: null, error: null }, reviewCount: 0 });
    });

    it('are paged latest first, without repeats or gaps', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: ExecutionSummary[]; nextCursor: string | null } = (
          await api()
            .get(`/api/tasks/${taskId}/executions`)
            .query({ limit: 3, ...(cursor && { cursor }) })
            .set(auth)
            .expect(200)
        ).body;
        expect(page.items.length).toBeLessThanOrEqual(3);
        for (const item of page.items) expect(item).not.toHaveProperty('input');
        seen.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(started);
    });

    it('one is read whole, with its reviews', async () => {
      const execution = (await api().get(`/api/executions/${started[0]}`).set(auth).expect(200)).body;
      expect(execution).toMatchObject({ id: started[0], output: 'partial', error: { message: 'boom' }, input: { step: 6 } });
      expect(execution.reviews.map((r: { iteration: number }) => r.iteration)).toEqual([1, 2]);
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['limit=many', 'limit'],
      ['color=blue', 'color'],
    ])('refuses ?%s with a 400 problem naming it', async (query, field) => {
      const response = await api().get(`/api/tasks/${taskId}/executions?${query}`).set(auth).expect(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    });

    it('refuses a cursor of another list, and malformed or unknown ids', async () => {
      const tasksCursor = (await api().get('/api/tasks?limit=1').set(auth)).body.nextCursor;
      await api().get(`/api/tasks/${taskId}/executions?cursor=${tasksCursor}`).set(auth).expect(400);
      await api().get('/api/tasks/not-a-uuid/executions').set(auth).expect(400);
      await api().get('/api/executions/not-a-uuid').set(auth).expect(400);
      await api().get('/api/tasks/0190a5a0-0000-7000-8000-000000000000/executions').set(auth).expect(404);
      await api().get('/api/executions/0190a5a0-0000-7000-8000-000000000000').set(auth).expect(404);
    });
  });

  describe('list items', () => {
    it('carry previews and sizes of the large fields; the task read has them whole', async () => {
      const lister = bearer(tokenFor({ tenant: 'previews', sub: 'p' }));
      const prompt = `${'é'.repeat(150)}${'p'.repeat(99_850)}`;
      const config = { model: 'large', blob: jsonString(MAX_SETTINGS - 30) };
      const task = await createTask(testApp, lister, { prompt, config, metadata: { ticket: 7 } });
      const item = (await api().get('/api/tasks').set(lister).expect(200)).body.items[0];
      expect(item).toEqual({
        id: task.id,
        projectId: null,
        userId: 'p',
        prompt: prompt.slice(0, 200),
        state: 'pending',
        currentAgent: null,
        previews: { config: expect.stringMatching(/^\{"blob": "x{180}/), metadata: '{"ticket": 7}', result: null, error: null },
        sizes: { prompt: Buffer.byteLength(prompt), config: expect.any(Number), metadata: 13, result: null, error: null },
        dependsOn: [],
        createdAt: task.createdAt,
        updatedAt: task.updatedAt,
        completedAt: null,
      });
      expect(item.sizes.config).toBeGreaterThan(MAX_SETTINGS - 30);
      expect(item.previews.config).toHaveLength(200);
      expect(JSON.stringify(item).length).toBeLessThan(2 * KIB);
      const read = (await api().get(`/api/tasks/${task.id}`).set(lister).expect(200)).body;
      expect(read).toMatchObject({ prompt, config });
    });
  });

  describe('caps', () => {
    it('refuses an execution input, output or error over 256 KiB with a 413 naming the field and both sizes', async () => {
      const task = await taskIn(testApp, auth, 'running');
      const atCap = (await start(task.id, { agentType: 'tester', input: jsonString(MAX_OUTCOME) }).expect(201)).body;
      expect(atCap.input).toHaveLength(MAX_OUTCOME - 2);
      const tooBig = await start(task.id, { agentType: 'tester', input: jsonString(MAX_OUTCOME + 1) }).expect(413);
      expect(tooBig.body.detail).toBe(`input is ${MAX_OUTCOME + 1} bytes of JSON; at most ${MAX_OUTCOME} bytes (256 KiB) are accepted.`);
      expect(tooBig.body.errors).toEqual([{ field: 'input', messages: [`at most ${MAX_OUTCOME} bytes of JSON`] }]);
      for (const field of ['output', 'error']) {
        const refused = await api()
          .patch(`/api/executions/${atCap.id}`)
          .set(auth)
          .send({ status: 'failed', error: 'e', [field]: [jsonString(MAX_OUTCOME)] })
          .expect(413);
        expect(refused.body.errors[0].field).toBe(field);
      }
      const read = (await api().get(`/api/tasks/${task.id}`).set(auth)).body;
      expect(read.executions).toHaveLength(1);
      expect(read.executions[0]).toMatchObject({ status: 'running', sizes: { input: MAX_OUTCOME, output: null } });
    });

    it('refuses a task config or metadata over 64 KiB, and a result or error over 256 KiB, with 413', async () => {
      for (const field of ['config', 'metadata']) {
        const refused = await api()
          .post('/api/tasks')
          .set(auth)
          .send({ prompt: 'p', [field]: { blob: jsonString(MAX_SETTINGS) } })
          .expect(413);
        expect(refused.body.errors[0].field).toBe(field);
        const task = await createTask(testApp, auth);
        await api()
          .patch(`/api/tasks/${task.id}`)
          .set(auth)
          .send({ [field]: { blob: jsonString(MAX_SETTINGS) } })
          .expect(413);
      }
      const running = await taskIn(testApp, auth, 'running');
      const result = await api()
        .post(`/api/tasks/${running.id}/transitions`)
        .set(auth)
        .send({ to: 'completed', result: jsonString(MAX_OUTCOME + 1) })
        .expect(413);
      expect(result.body.errors[0].field).toBe('result');
      await api()
        .post(`/api/tasks/${running.id}/transitions`)
        .set(auth)
        .send({ to: 'failed', error: jsonString(MAX_OUTCOME + 1) })
        .expect(413);
      const artifact = await api()
        .post(`/api/tasks/${running.id}/artifacts`)
        .set(auth)
        .send({ type: 'log', path: 'a', metadata: { blob: jsonString(MAX_SETTINGS) } })
        .expect(413);
      expect(artifact.body.errors[0].field).toBe('metadata');
      expect((await api().get(`/api/tasks/${running.id}`).set(auth)).body).toMatchObject({ state: 'running', artifacts: [] });
    });

    it.each([
      ['a task config', 'post', () => '/api/tasks', '{"prompt":"p","config":{"n":1e400}}', 'config'],
      ['task metadata', 'post', () => '/api/tasks', '{"prompt":"p","metadata":{"n":[12345678901234567890]}}', 'metadata'],
      ['a changed config', 'patch', (id: string) => `/api/tasks/${id}`, '{"config":{"n":1e400}}', 'config'],
      ['an execution input', 'post', (id: string) => `/api/tasks/${id}/executions`, '{"agentType":"tester","input":{"n":-1e400}}', 'input'],
      ['a task result', 'post', (id: string) => `/api/tasks/${id}/transitions`, '{"to":"completed","result":1e400}', 'result'],
    ])('refuses %s holding a number JSON cannot carry exactly with a 400 naming it', async (_what, method, path, body, field) => {
      const task = await taskIn(testApp, auth, 'running');
      const response = await api()
        [method as 'post'](path(task.id))
        .set(auth)
        .set('content-type', 'application/json')
        .send(body)
        .expect(400);
      expect(response.body.errors).toEqual([{ field, messages: ['numbers must be finite and within ±2^53'] }]);
    });
  });

  describe('the largest task allowed', () => {
    const BIG = 100;
    let taskId: string;

    beforeAll(async () => {
      taskId = (await taskIn(testApp, auth, 'running')).id;
      // 1,000 runs, the latest 100 with input, output and error at their cap (repetitive, so cheap to
      // store; the audit trail still hashes every byte, which bounds how many a test can afford).
      await seedAsTenant(testApp, tenant, [
        [
          `insert into task_executions (id, tenant_id, task_id, agent_type, input, status, output, error, started_at, finished_at)
           select gen_random_uuid(), $1, $2, 'tester', to_jsonb(repeat('i', n)), 'failed', to_jsonb(repeat('o', n)), to_jsonb(repeat('e', n)),
                  now() - i * interval '1 second', now()
           from generate_series(1, 1000) i, lateral (select case when i <= $4 then $3::int else 1 end as n) size`,
          [tenant, taskId, MAX_OUTCOME - 2, BIG],
        ],
      ]);
    }, 120_000);

    it('takes no more executions (409)', async () => {
      const refused = await start(taskId).expect(409);
      expect(refused.body).toMatchObject({ executionCount: 1000, maxExecutions: 1000 });
    });

    it('is read by 20 clients at once in small responses, without the process growing', async () => {
      const rssBefore = process.memoryUsage.rss();
      const reads = await Promise.all(Array.from({ length: 20 }, () => api().get(`/api/tasks/${taskId}`).set(auth)));
      const grownBy = process.memoryUsage.rss() - rssBefore;
      expect(reads.map((read) => read.status)).toEqual(reads.map(() => 200));
      for (const read of reads) {
        expect(read.body.executionCount).toBe(1000);
        expect(read.body.executions).toHaveLength(5);
        expect(read.body.executions[0].sizes).toEqual({ input: MAX_OUTCOME, output: MAX_OUTCOME, error: MAX_OUTCOME });
        expect(read.text.length).toBeLessThan(4 * KIB);
      }
      expect(grownBy).toBeLessThan(100 * 1024 * KIB);
    }, 60_000);

    it('pages its executions in small responses', async () => {
      const page = await api().get(`/api/tasks/${taskId}/executions?limit=200`).set(auth).expect(200);
      expect(page.body.items).toHaveLength(200);
      expect(page.body.items.filter((item: ExecutionSummary) => item.sizes.output === MAX_OUTCOME)).toHaveLength(BIG);
      expect(page.text.length).toBeLessThan(80 * KIB);
    });
  });
});

function review(iteration: number) {
  return {
    iteration,
    agentType: 'reviewer',
    qualityScore: 0.5,
    completenessScore: 0.5,
    correctnessScore: 0.5,
    overallScore: 0.5,
    decision: 'iterate',
  };
}

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { createTesseraClient, type Problem, type TesseraClient } from '../../clients/typescript/src/index.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { tokenFor } from '../support/tokens.js';

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));
const PROBLEMS = 'https://tessera.dev/problems/';
/** The generator starts a Node of its own and loads openapi-typescript: seconds on a busy machine. */
const GENERATOR_TIMEOUT_MS = 90_000;

/** `npm run client:generate -- --check` on a given document, as a separate process (see scripts/generate-client.ts). */
function checkClientSchemaAgainst(document: unknown): Promise<{ exitCode: number | null; stderr: string }> {
  const { NODE_OPTIONS: _jestOnly, ...environment } = process.env;
  const generator = spawn(
    process.execPath,
    ['--import', './scripts/swc-register.mjs', 'scripts/generate-client.ts', '--check', '--document', '-'],
    { cwd: REPOSITORY, env: environment, stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let stderr = '';
  generator.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  generator.stdin.end(JSON.stringify(document));
  return new Promise((resolve, reject) => {
    generator.on('error', reject);
    generator.on('close', (exitCode) => resolve({ exitCode, stderr }));
  });
}

describe('typed client (clients/typescript)', () => {
  let testApp: TestApp;
  let baseUrl: string;
  const clientOf = (tenant: string): TesseraClient => createTesseraClient({ baseUrl, token: tokenFor({ tenant, sub: 'alice' }) });

  beforeAll(async () => {
    testApp = await startTestApp();
    await testApp.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(testApp.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => testApp.close());

  describe('its committed schema', () => {
    let document: { components: { schemas: Record<string, unknown> } };
    beforeAll(async () => {
      document = (await request(testApp.server).get('/docs-json').expect(200)).body;
    });

    it(
      'is what the running server’s OpenAPI document generates (else: run npm run client:generate)',
      async () => {
        expect(await checkClientSchemaAgainst(document)).toEqual({ exitCode: 0, stderr: '' });
      },
      GENERATOR_TIMEOUT_MS,
    );

    it(
      'is reported out of date once the document changes',
      async () => {
        const schemas = { ...document.components.schemas, AddedSinceGeneration: { type: 'object' } };
        const changed = { ...document, components: { ...document.components, schemas } };
        const check = await checkClientSchemaAgainst(changed);
        expect(check.exitCode).toBe(1);
        expect(check.stderr).toContain('run `npm run client:generate`');
      },
      GENERATOR_TIMEOUT_MS,
    );
  });

  describe('calling the server', () => {
    it('creates a project and a task in it, and reads the task back', async () => {
      const client = clientOf('typed-client-crud');
      const project = await client.POST('/api/projects', { body: { name: 'Billing' } });
      expect(project.response.status).toBe(201);
      // As the README shows it: once the error is ruled out, the answer is typed without assertions.
      const { data: task, error } = await client.POST('/api/tasks', {
        body: { prompt: 'rewrite the invoices', projectId: project.data!.id },
      });
      if (error) throw new Error(`${error.code ?? error.status}: ${error.detail}`);
      expect(task).toMatchObject({ prompt: 'rewrite the invoices', projectId: project.data!.id, state: 'pending' });

      const read = await client.GET('/api/tasks/{id}', { params: { path: { id: task.id } } });
      expect(read.data).toMatchObject(task);
    });

    it('lists the tasks page by page with the cursor, filtered by several states', async () => {
      const client = clientOf('typed-client-pages');
      const wanted: string[] = [];
      for (const prompt of ['first', 'second', 'third']) wanted.push((await client.POST('/api/tasks', { body: { prompt } })).data!.id);
      const cancelled = await client.POST('/api/tasks', { body: { prompt: 'dropped' } });
      wanted.push(cancelled.data!.id);
      await client.POST('/api/tasks/{id}/transitions', { params: { path: { id: cancelled.data!.id } }, body: { to: 'cancelled' } });
      const completed = await client.POST('/api/tasks', { body: { prompt: 'done' } });
      for (const to of ['running', 'completed'] as const) {
        await client.POST('/api/tasks/{id}/transitions', { params: { path: { id: completed.data!.id } }, body: { to } });
      }

      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.GET('/api/tasks', { params: { query: { limit: 2, cursor, state: ['pending', 'cancelled'] } } });
        expect(page.data!.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.data!.items.map((task) => task.id));
        cursor = page.data!.nextCursor ?? undefined;
      } while (cursor);
      expect(seen.sort()).toEqual(wanted.sort());
    });

    it('asks for the token before each request, so each call acts for its tenant', async () => {
      const tenants = ['typed-client-a', 'typed-client-b'];
      let calls = 0;
      const client = createTesseraClient({ baseUrl, token: () => tokenFor({ tenant: tenants[calls++ % 2]!, sub: 'alice' }) });
      const created = await client.POST('/api/tasks', { body: { prompt: 'only for tenant a' } });
      const fromOtherTenant = await client.GET('/api/tasks/{id}', { params: { path: { id: created.data!.id } } });
      expect(calls).toBe(2);
      expect(fromOtherTenant.error?.type).toBe(`${PROBLEMS}task-not-found`);
    });
  });

  describe('problems, typed by the document', () => {
    const client = () => clientOf('typed-client-problems');

    it('404: a task that does not exist', async () => {
      const { error, response } = await client().GET('/api/tasks/{id}', { params: { path: { id: randomUUID() } } });
      expect(response.status).toBe(404);
      expect(error).toMatchObject({ type: `${PROBLEMS}task-not-found`, code: 'TASK_NOT_FOUND', status: 404 });
    });

    it('409: a transition the state machine does not allow, with its extension members', async () => {
      const task = await client().POST('/api/tasks', { body: { prompt: 'not started' } });
      const { error } = await client().POST('/api/tasks/{id}/transitions', {
        params: { path: { id: task.data!.id } },
        body: { to: 'completed' },
      });
      const problem: Problem | undefined = error;
      expect(problem).toMatchObject({ type: `${PROBLEMS}task-transition-not-allowed`, status: 409, currentState: 'pending' });
      expect(problem?.allowedStates).toEqual(expect.arrayContaining(['running', 'cancelled']));
    });

    it('422: an Idempotency-Key reused with another body', async () => {
      const key = randomUUID();
      const first = await client().POST('/api/tasks', { params: { header: { 'Idempotency-Key': key } }, body: { prompt: 'once' } });
      expect(first.response.status).toBe(201);
      const { error } = await client().POST('/api/tasks', { params: { header: { 'Idempotency-Key': key } }, body: { prompt: 'twice' } });
      expect(error).toMatchObject({ type: `${PROBLEMS}idempotency-key-reused`, status: 422 });
    });

    it('400: a body the types already refuse is refused by the server too, field by field', async () => {
      // @ts-expect-error prompt is required: the generated types know the body.
      const { error } = await client().POST('/api/tasks', { body: {} });
      expect(error).toMatchObject({ type: `${PROBLEMS}validation-failed`, status: 400 });
      expect(error?.errors?.map((invalid) => invalid.field)).toContain('prompt');
    });
  });
});

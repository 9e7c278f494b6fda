import request from 'supertest';
import type { TestApp } from './test-app.js';
import { withOwnerClient } from './test-database.js';

type Headers = Record<string, string>;

/** The shortest path from pending to each state, through the API. */
const PATH_TO: Record<string, { to: string; error?: string }[]> = {
  pending: [],
  running: [{ to: 'running' }],
  awaiting_approval: [{ to: 'running' }, { to: 'awaiting_approval' }],
  completed: [{ to: 'running' }, { to: 'completed' }],
  failed: [{ to: 'running' }, { to: 'failed', error: 'boom' }],
  cancelled: [{ to: 'cancelled' }],
};

export async function createTask(
  testApp: TestApp,
  auth: Headers,
  body: Record<string, unknown> = {},
): Promise<{ id: string } & Record<string, unknown>> {
  const response = await request(testApp.server)
    .post('/api/tasks')
    .set(auth)
    .send({ prompt: 'do the thing', ...body });
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** A new task, moved through the API into the given state. */
export async function taskIn(testApp: TestApp, auth: Headers, state: string, body: Record<string, unknown> = {}): Promise<{ id: string }> {
  const task = await createTask(testApp, auth, body);
  for (const move of PATH_TO[state]) {
    const response = await request(testApp.server).post(`/api/tasks/${task.id}/transitions`).set(auth).send(move);
    if (response.status !== 200) throw new Error(`move to ${move.to} failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return task;
}

/**
 * Runs statements in one transaction as the schema owner, inside the tenant (row-level security is
 * forced on the owner too): for seeding more rows than the API could write in a test's time.
 */
export async function seedAsTenant(testApp: TestApp, tenant: string, statements: [text: string, values?: unknown[]][]): Promise<void> {
  await withOwnerClient(testApp.database, async (owner) => {
    await owner.query('begin');
    await owner.query("select set_config('app.tenant_id', $1, true)", [tenant]);
    for (const [text, values] of statements) await owner.query(text, values);
    await owner.query('commit');
  });
}

/** A new project of the token's tenant, through the API (tasks name projects by id). */
export async function createProject(
  testApp: TestApp,
  auth: Headers,
  name: string,
  body: Record<string, unknown> = {},
): Promise<{ id: string } & Record<string, unknown>> {
  const response = await request(testApp.server)
    .post('/api/projects')
    .set(auth)
    .send({ name, ...body });
  if (response.status !== 201) throw new Error(`project create failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

import request from 'supertest';
import { lockWaiters, waitFor } from '../support/lock-waiters.js';
import { createTask } from '../support/tasks.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { withAdminClient } from '../support/test-database.js';
import { bearer, tokenFor } from '../support/tokens.js';

const greedy = bearer(tokenFor({ tenant: 'greedy', sub: 'alice' }));
const quiet = bearer(tokenFor({ tenant: 'quiet', sub: 'bob' }));
/** A pool of 4 and a share of one half: a tenant holds at most 2 connections at once. */
const SHARE = 2;

describe("a tenant's share of the database pool", () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp({ DB_POOL_MAX: '4', DB_TENANT_POOL_SHARE: '0.5', DB_TENANT_QUEUE_TIMEOUT_MS: '500' });
  });
  afterAll(() => testApp.close());

  /** Runs `during` while `count` requests of the greedy tenant wait inside their transactions on a row lock. */
  async function whileGreedyHoldsConnections<T>(count: number, during: () => Promise<T>): Promise<T> {
    const task = await createTask(testApp, greedy);
    return withAdminClient(async (admin) => {
      await admin.query('begin');
      await admin.query('select id from tasks where id = $1 for update', [task.id]);
      const held = Array.from({ length: count }, () =>
        request(testApp.server)
          .patch(`/api/tasks/${task.id}`)
          .set(greedy)
          .send({ prompt: 'waits for the lock' })
          .then((response) => response),
      );
      await waitFor(async () => (await lockWaiters(admin, testApp.database.name)).length === count);
      try {
        return await during();
      } finally {
        await admin.query('rollback');
        await Promise.all(held);
      }
    }, testApp.database.name);
  }

  it('keeps the rest of the pool for other tenants, and refuses the excess with 429 after a short wait', async () => {
    await whileGreedyHoldsConnections(SHARE, async () => {
      const started = Date.now();
      const others = await Promise.all(Array.from({ length: 2 }, () => request(testApp.server).get('/api/tasks').set(quiet)));
      expect(others.map((response) => response.status)).toEqual([200, 200]);
      expect(Date.now() - started).toBeLessThan(400);

      const excess = await request(testApp.server).get('/api/tasks').set(greedy);
      expect(excess.status).toBe(429);
      expect(excess.headers['content-type']).toContain('application/problem+json');
      expect(excess.headers['retry-after']).toBe('1');
      expect(excess.body.limit).toBe(SHARE);
    });
    await request(testApp.server).get('/api/tasks').set(greedy).expect(200);
  });

  it("gives the tenant's expensive reads a quarter of its share: one lineage walk at a time here, its other work unhindered", async () => {
    const task = await createTask(testApp, greedy);
    await withAdminClient(async (admin) => {
      // A lineage walk reads task_dependencies: a lock on the table keeps it waiting inside its transaction.
      await admin.query('begin');
      await admin.query('lock table task_dependencies in access exclusive mode');
      const walking = request(testApp.server)
        .get(`/api/tasks/${task.id}/lineage`)
        .set(greedy)
        .then((response) => response);
      await waitFor(async () => (await lockWaiters(admin, testApp.database.name)).length === 1);
      const second = await request(testApp.server).get(`/api/tasks/${task.id}/lineage`).set(greedy);
      expect(second.status).toBe(429);
      expect(second.body.detail).toMatch(/1 expensive reads/);
      await request(testApp.server).get('/api/dashboards').set(greedy).expect(200);
      await admin.query('rollback');
      expect((await walking).status).toBe(200);
    }, testApp.database.name);
  });

  it("admits a waiting request as soon as one of the tenant's slots frees", async () => {
    let queued: Promise<request.Response> | undefined;
    await whileGreedyHoldsConnections(SHARE, async () => {
      queued = request(testApp.server)
        .get('/api/tasks')
        .set(greedy)
        .then((response) => response);
      await new Promise((resolve) => setTimeout(resolve, 100));
    });
    expect((await queued!).status).toBe(200);
  });
});

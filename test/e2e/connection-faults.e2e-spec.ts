import { once } from 'node:events';
import { connect } from 'node:net';
import request from 'supertest';
import { lockWaiters, waitFor } from '../support/lock-waiters.js';
import { createTask } from '../support/tasks.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { withAdminClient } from '../support/test-database.js';
import { bearer, tokenFor } from '../support/tokens.js';

const alice = bearer(tokenFor({ tenant: 'faults', sub: 'alice' }));
const POOL_SIZE = 2;

describe('connections lost inside transactions', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    // The whole pool for one tenant: the point is to lose every connection it has.
    testApp = await startTestApp({ DB_POOL_MAX: String(POOL_SIZE), DB_TENANT_POOL_SHARE: '1' });
  });
  afterAll(() => testApp.close());

  it('never costs a pool slot: after more backend kills than pooled connections, service is normal within 1 s', async () => {
    const task = await createTask(testApp, alice);
    for (let round = 0; round < 3; round++) {
      const answers = await withAdminClient(async (admin) => {
        // Holding the task's row lock keeps the requests' transactions open, waiting, until we kill them.
        await admin.query('begin');
        await admin.query('select id from tasks where id = $1 for update', [task.id]);
        const moves = Array.from({ length: POOL_SIZE }, () =>
          request(testApp.server)
            .post(`/api/tasks/${task.id}/transitions`)
            .set(alice)
            .send({ to: 'cancelled' })
            .then((response) => response),
        );
        await waitFor(async () => (await lockWaiters(admin, testApp.database.name)).length === POOL_SIZE);
        await admin.query('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [
          await lockWaiters(admin, testApp.database.name),
        ]);
        await admin.query('rollback');
        return Promise.all(moves);
      }, testApp.database.name);
      for (const answer of answers) {
        expect(answer.status).toBe(503);
        expect(answer.headers['content-type']).toContain('application/problem+json');
        expect(answer.headers['retry-after']).toBe('1');
      }
    }

    const started = Date.now();
    const list = await request(testApp.server).get('/api/tasks').set(alice);
    expect(list.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_000);
    // Each pooled connection still works: as many concurrent transactions as the pool holds all succeed.
    const concurrent = await Promise.all(
      Array.from({ length: POOL_SIZE * 2 }, () => request(testApp.server).get(`/api/tasks/${task.id}`).set(alice)),
    );
    expect(concurrent.map((response) => response.status)).toEqual(Array(POOL_SIZE * 2).fill(200));
    await request(testApp.server).get('/health/live').expect(200);
  });
});

describe('the database refusing connections', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(async () => {
    await setConnectionsAllowed(true);
    await testApp.close();
  });

  const setConnectionsAllowed = (allowed: boolean) =>
    withAdminClient(async (admin) => {
      await admin.query(`alter database "${testApp.database.name}" with allow_connections ${allowed}`);
      if (!allowed) {
        await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [testApp.database.name]);
      }
    });

  it('answers 503 with Retry-After within a second, readiness names the failed check, liveness holds', async () => {
    await setConnectionsAllowed(false);
    for (let attempt = 0; attempt < 3; attempt++) {
      const started = Date.now();
      const refused = await request(testApp.server).get('/api/tasks').set(alice);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('1');
    }
    const ready = await request(testApp.server).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.detail).toMatch(/^Failed checks: database \(.+\)\.$/);
    expect(ready.body.checks.database.status).toBe('down');
    expect(ready.body.checks.pool.status).toBe('up');
    await request(testApp.server).get('/health/live').expect(200);

    await setConnectionsAllowed(true);
    const started = Date.now();
    await request(testApp.server).get('/api/tasks').set(alice).expect(200);
    expect(Date.now() - started).toBeLessThan(1_000);
    await request(testApp.server).get('/health/ready').expect(200);
  });
});

describe('a lock not granted in time', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp({ DB_LOCK_TIMEOUT_MS: '200' });
  });
  afterAll(() => testApp.close());

  it('is a 503 to retry, never a 500, whichever statement waited for it', async () => {
    const task = await createTask(testApp, alice);
    await withAdminClient(async (admin) => {
      await admin.query('begin');
      await admin.query('lock table tasks in access exclusive mode');
      for (const waiting of [
        request(testApp.server).get('/api/tasks').set(alice),
        request(testApp.server).post(`/api/tasks/${task.id}/transitions`).set(alice).send({ to: 'cancelled' }),
      ]) {
        const refused = await waiting;
        expect(refused.status).toBe(503);
        expect(refused.headers['retry-after']).toBe('1');
      }
      await admin.query('rollback');
    }, testApp.database.name);
    await request(testApp.server).get('/api/tasks').set(alice).expect(200);
  });
});

describe('slow request bodies', () => {
  let testApp: TestApp;
  let port: number;
  beforeAll(async () => {
    testApp = await startTestApp({ HTTP_REQUEST_TIMEOUT_MS: '1500' });
    await testApp.app.listen({ port: 0, host: '127.0.0.1' });
    port = (testApp.app.getHttpServer().address() as { port: number }).port;
  });
  afterAll(() => testApp.close());

  it('are cut off with 408 once the request timeout passes', async () => {
    const socket = connect({ host: '127.0.0.1', port });
    await once(socket, 'connect');
    const body = JSON.stringify({ prompt: 'trickled in byte by byte' });
    socket.write(
      `POST /api/tasks HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${alice.Authorization}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    let sent = 0;
    const trickle = setInterval(() => sent < body.length - 1 && socket.write(body[sent++]), 200);
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    const started = Date.now();
    await once(socket, 'close');
    clearInterval(trickle);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(Date.now() - started).toBeLessThan(4_000);
    const tasks = await request(testApp.server).get('/api/tasks').set(alice).expect(200);
    expect(tasks.body.items.map((task: { prompt: string }) => task.prompt)).not.toContain('trickled in byte by byte');
  });
});

import request from 'supertest';
import { ExpiredIdempotencyKeysSweep } from '../../src/platform/idempotency/expired-keys-sweep.job.js';
import { waitFor } from '../support/lock-waiters.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { withAdminClient } from '../support/test-database.js';
import { bearer, tokenFor } from '../support/tokens.js';

describe('Idempotency-Key on task creation', () => {
  let testApp: TestApp;
  const alice = bearer(tokenFor({ tenant: 'idem', sub: 'alice' }));
  const bob = bearer(tokenFor({ tenant: 'idem', sub: 'bob' }));
  const create = (auth: Record<string, string>, key: string, body: Record<string, unknown>) =>
    request(testApp.server).post('/api/tasks').set(auth).set('Idempotency-Key', key).send(body);
  const count = async (auth: Record<string, string>) =>
    (await request(testApp.server).get('/api/tasks/stats').set(auth)).body.total as number;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  it('replays the original task for a retry with the same key and body', async () => {
    const first = await create(alice, 'retry-1', { prompt: 'once', config: { a: 1, b: 2 } }).expect(201);
    const retry = await create(alice, 'retry-1', { config: { b: 2, a: 1 }, prompt: 'once' }).expect(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.headers.location).toBe(first.headers.location);
    expect(await count(alice)).toBe(1);
  });

  it('refuses the same key with a different body with 422, creating nothing', async () => {
    await create(alice, 'retry-2', { prompt: 'first' }).expect(201);
    const before = await count(alice);
    const reused = await create(alice, 'retry-2', { prompt: 'second' }).expect(422);
    expect(reused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await count(alice)).toBe(before);
  });

  it('keeps keys per user: the same key from another user is another request', async () => {
    const mine = await create(alice, 'shared-key', { prompt: 'same' }).expect(201);
    const theirs = await create(bob, 'shared-key', { prompt: 'same' }).expect(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it('creates one task for concurrent requests with one key: the others are replays or 409s', async () => {
    const before = await count(alice);
    const responses = await Promise.all(Array.from({ length: 8 }, () => create(alice, 'race', { prompt: 'raced' })));
    const statuses = responses.map((response) => response.status);
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
    const ids = new Set(responses.filter((response) => response.status === 201).map((response) => response.body.id));
    expect(ids.size).toBe(1);
    expect(await count(alice)).toBe(before + 1);
    const conflict = responses.find((response) => response.status === 409);
    if (conflict) expect(conflict.body.detail).toMatch(/still in progress/);
  });

  it('takes its locks in classes of their own, apart from any other purpose and from one-key locks', async () => {
    const upstream = (await create(alice, 'upstream', { prompt: 'upstream' }).expect(201)).body as { id: string };
    const editable = (await create(alice, 'editable', { prompt: 'editable' }).expect(201)).body as { id: string };
    const locks = await withAdminClient(async (admin) => {
      // Holding the upstream row keeps requests that reference it inside their transactions: an
      // idempotent creation, and a dependency edit (which locks the tenant's task graph).
      await admin.query('begin');
      await admin.query('select id from tasks where id = $1 for update', [upstream.id]);
      const held = [
        create(alice, 'downstream', { prompt: 'downstream', dependsOn: [upstream.id] }).then((response) => response),
        request(testApp.server)
          .patch(`/api/tasks/${editable.id}`)
          .set(alice)
          .send({ dependsOn: [upstream.id] })
          .then((response) => response),
      ];
      let rows: { classid: string; objid: string; objsubid: number }[] = [];
      const classes = () => [...new Set(rows.map((row) => Number(row.classid)))].sort();
      await waitFor(async () => {
        await admin.query('select pg_stat_clear_snapshot()');
        ({ rows } = await admin.query(
          `select l.classid::int8::text as classid, l.objid::int8::text as objid, l.objsubid from pg_locks l
           join pg_stat_activity a on a.pid = l.pid
           where l.locktype = 'advisory' and a.datname = $1 and a.application_name = 'tessera'`,
          [testApp.database.name],
        ));
        return classes().includes(1) && classes().includes(2);
      });
      const [{ graph }] = (await admin.query(`select (hashtext('idem')::int8 & 4294967295)::text as graph`)).rows;
      await admin.query('rollback');
      expect((await Promise.all(held)).map((response) => response.status)).toEqual([201, 200]);
      return { rows, classes: classes(), graph: graph as string };
    }, testApp.database.name);
    // The task graph and the Idempotency-Key: each its class, both in the two-key space. Writers take
    // no audit chain lock any more (class 3 is the sealing job's, which may hold it meanwhile).
    expect(locks.classes.filter((lockClass) => lockClass !== 3)).toEqual([1, 2]);
    expect(locks.rows.every((row) => row.objsubid === 2)).toBe(true);
    expect(locks.rows.find((row) => row.classid === '1')?.objid).toBe(locks.graph);
  });

  it('remembers nothing when the request fails, so a corrected retry goes through', async () => {
    await create(alice, 'fix-me', { prompt: '' }).expect(400);
    await create(alice, 'fix-me', { prompt: 'fixed' }).expect(201);
  });

  it('remembers nothing for a task naming an unknown project (400), so a retry naming a real one goes through', async () => {
    const unknown = '0190a5a0-0000-7000-8000-000000000000';
    await create(alice, 'fix-project', { prompt: 'in a project', projectId: unknown }).expect(400);
    const project = await request(testApp.server)
      .post('/api/projects')
      .set(alice)
      .set('Idempotency-Key', 'project-1')
      .send({ name: 'Idem' })
      .expect(201);
    const replayed = await request(testApp.server)
      .post('/api/projects')
      .set(alice)
      .set('Idempotency-Key', 'project-1')
      .send({ name: 'Idem' })
      .expect(201);
    expect(replayed.body.id).toBe(project.body.id);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    await create(alice, 'fix-project', { prompt: 'in a project', projectId: project.body.id }).expect(201);
  });

  it('forgets a key after 24 hours: then it starts a new request', async () => {
    const first = await create(alice, 'expiring', { prompt: 'old' }).expect(201);
    await withAdminClient(
      (admin) => admin.query("update idempotency_keys set expires_at = now() - interval '1 second' where key = 'expiring'"),
      testApp.database.name,
    );
    const fresh = await create(alice, 'expiring', { prompt: 'new' }).expect(201);
    expect(fresh.body.id).not.toBe(first.body.id);
    expect(fresh.headers['idempotent-replayed']).toBeUndefined();
    expect((await create(alice, 'expiring', { prompt: 'new' }).expect(201)).body.id).toBe(fresh.body.id);
  });

  it("sweeps expired keys of every tenant and actor hourly, not only the same actor's next request", async () => {
    const carol = bearer(tokenFor({ tenant: 'idem-elsewhere', sub: 'carol' }));
    await create(carol, 'swept', { prompt: 'kept a day' }).expect(201);
    const keys = () =>
      withAdminClient(
        async (admin) => (await admin.query("select count(*)::int as n from idempotency_keys where key = 'swept'")).rows[0].n as number,
        testApp.database.name,
      );
    const sweep = testApp.app.get(ExpiredIdempotencyKeysSweep);
    await sweep.run();
    expect(await keys()).toBe(1);
    expect(await sweep.run(new Date(Date.now() + 25 * 60 * 60 * 1000))).toBeGreaterThanOrEqual(1);
    expect(await keys()).toBe(0);
  });

  it('refuses a malformed key', async () => {
    await create(alice, 'x'.repeat(256), { prompt: 'p' }).expect(400);
    await create(alice, 'has space', { prompt: 'p' }).expect(400);
  });
});

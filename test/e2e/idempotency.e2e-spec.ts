import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app.js';
import { withAdminClient } from '../support/test-database.js';
import { bearer, tokenFor } from '../support/tokens.js';

describe('Idempotency-Key on task creation', () => {
  let testApp: TestApp;
  const alice = bearer(tokenFor({ tenant: 'idem', sub: 'alice' }));
  const bob = bearer(tokenFor({ tenant: 'idem', sub: 'bob' }));
  const create = (auth: Record<string, string>, key: string, body: Record<string, unknown>) =>
    request(testApp.server).post('/api/tasks').set(auth).set('Idempotency-Key', key).send(body);
  const count = async (auth: Record<string, string>) => (await request(testApp.server).get('/api/tasks/stats').set(auth)).body.total as number;

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

  it('remembers nothing when the request fails, so a corrected retry goes through', async () => {
    await create(alice, 'fix-me', { prompt: '' }).expect(400);
    await create(alice, 'fix-me', { prompt: 'fixed' }).expect(201);
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

  it('refuses a malformed key', async () => {
    await create(alice, 'x'.repeat(256), { prompt: 'p' }).expect(400);
    await create(alice, 'has space', { prompt: 'p' }).expect(400);
  });
});

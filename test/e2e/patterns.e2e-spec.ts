import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

describe('patterns', () => {
  let testApp: TestApp;
  const auth = bearer(tokenFor({ tenant: 'patterns-co', sub: 'pia' }));
  const admin = bearer(tokenFor({ tenant: 'patterns-co', sub: 'ada', roles: ['admin'] }));
  const api = () => request(testApp.server);
  const report = (body: Record<string, unknown>, as = auth) => api().post('/api/patterns').set(as).send(body);

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  it('starts a new pattern at 1 (201) and counts a repeat, whatever its key order (200)', async () => {
    const first = await report({
      type: 'flaky_test',
      agentType: 'tester',
      pattern: { suite: 'checkout', cause: { kind: 'time', zone: 'utc' } },
    }).expect(201);
    expect(first.body).toMatchObject({ frequency: 1, type: 'flaky_test', agentType: 'tester' });
    const again = await report({
      type: 'flaky_test',
      agentType: 'tester',
      pattern: { cause: { zone: 'utc', kind: 'time' }, suite: 'checkout' },
    }).expect(200);
    expect(again.body).toMatchObject({ id: first.body.id, frequency: 2 });
    expect(new Date(again.body.lastSeen).getTime()).toBeGreaterThanOrEqual(new Date(first.body.lastSeen).getTime());
  });

  it('tells patterns apart by type, agent type (or none) and content', async () => {
    const base = { type: 'slow_build', pattern: { step: 'tsc' } };
    const none = await report(base).expect(201);
    await report(base).expect(200);
    const withAgent = await report({ ...base, agentType: 'backend_dev' }).expect(201);
    const otherType = await report({ ...base, type: 'slow_deploy' }).expect(201);
    const otherContent = await report({ ...base, pattern: { step: 'jest' } }).expect(201);
    expect(new Set([none.body.id, withAgent.body.id, otherType.body.id, otherContent.body.id]).size).toBe(4);
    expect((await api().get(`/api/patterns/${none.body.id}`).set(auth).expect(200)).body.frequency).toBe(2);
  });

  it('counts concurrent identical reports into one row, each acknowledged one exactly once', async () => {
    const body = { type: 'race', agentType: 'reviewer', pattern: { a: [1, 2, { b: true }] } };
    const responses = await Promise.all(Array.from({ length: 100 }, () => report(body)));
    // Beyond its share of the pool a tenant's requests are shed (429): each one acknowledged must count.
    expect(responses.filter((response) => ![200, 201, 429].includes(response.status))).toEqual([]);
    const acknowledged = responses.filter((response) => response.status !== 429);
    expect(new Set(acknowledged.map((response) => response.body.id)).size).toBe(1);
    expect(acknowledged.filter((response) => response.status === 201)).toHaveLength(1);
    expect((await api().get(`/api/patterns/${acknowledged[0].body.id}`).set(auth)).body.frequency).toBe(acknowledged.length);
  });

  it('lists by frequency or recency, filtered by type and agent type, with cursors', async () => {
    const listed = (await api().get('/api/patterns?sort=frequency').set(auth).expect(200)).body.items as {
      type: string;
      frequency: number;
    }[];
    expect(listed[0]).toMatchObject({ type: 'race' });
    expect(listed.map((pattern) => pattern.frequency)).toEqual([...listed.map((pattern) => pattern.frequency)].sort((a, b) => b - a));
    const recent = (await api().get('/api/patterns?sort=recent&limit=1').set(auth).expect(200)).body;
    expect(recent.items[0].type).toBe('race');
    expect(recent.nextCursor).toEqual(expect.any(String));
    const next = (await api().get(`/api/patterns?sort=recent&limit=100&cursor=${recent.nextCursor}`).set(auth).expect(200)).body;
    expect(next.items.length + 1).toBe(listed.length);
    const slow = (await api().get('/api/patterns?type=slow_build&agentType=backend_dev').set(auth).expect(200)).body.items;
    expect(slow).toHaveLength(1);
    await api().get('/api/patterns?sort=weird').set(auth).expect(400);
  });

  it('counts what the list with the same filters holds, exactly', async () => {
    const count = async (query: string) =>
      (await api().get(`/api/patterns/count?${query}`).set(auth).expect(200)).body as { count: number };
    const listed = async (query: string) =>
      (await api().get(`/api/patterns?limit=200&${query}`).set(auth).expect(200)).body.items.length as number;
    expect(await count('')).toEqual({ count: 6 });
    for (const filters of [
      '',
      'type=slow_build',
      'agentType=backend_dev',
      'type=slow_build&agentType=backend_dev',
      'agentType=tester',
      'type=nothing',
    ]) {
      expect({ filters, ...(await count(filters)) }).toEqual({ filters, count: await listed(filters) });
    }
    expect(await count('type=slow_build')).toEqual({ count: 3 });
    // Occurrences are the frequency: a repeat is one pattern still.
    await report({ type: 'slow_build', pattern: { step: 'tsc' } }).expect(200);
    expect(await count('type=slow_build')).toEqual({ count: 3 });
  });

  it('refuses paging, sorting and bad filters on the count with a 400 naming them', async () => {
    for (const [query, field] of [
      ['limit=5', 'limit'],
      ['cursor=abc', 'cursor'],
      ['sort=recent', 'sort'],
      ['agentType=wizard', 'agentType'],
      ['type=', 'type'],
    ]) {
      const response = await api().get(`/api/patterns/count?${query}`).set(auth).expect(400);
      expect(JSON.stringify(response.body)).toContain(field);
    }
  });

  it('refuses numbers JSON cannot carry exactly, instead of counting them wrongly', async () => {
    const tooBig = await api()
      .post('/api/patterns')
      .set(auth)
      .set('content-type', 'application/json')
      .send('{"type":"n","pattern":{"a":1e400}}');
    expect(tooBig.status).toBe(400);
    await api()
      .post('/api/patterns')
      .set(auth)
      .set('content-type', 'application/json')
      .send('{"type":"n","pattern":[12345678901234567890123]}')
      .expect(400);
    await report({ type: 'n', pattern: { a: 9007199254740991, b: 0.5 } }).expect(201);
  });

  it('refuses a pattern over 64 KiB of JSON with a 413', async () => {
    await report({ type: 'sized', pattern: 'x'.repeat(64 * 1024 - 2) }).expect(201);
    const refused = await report({ type: 'sized', pattern: 'x'.repeat(64 * 1024 - 1) }).expect(413);
    expect(refused.body.errors).toEqual([{ field: 'pattern', messages: ['at most 65536 bytes of JSON'] }]);
  });

  it('refuses a report without a pattern or with an unknown agent type', async () => {
    await report({ type: 'x' }).expect(400);
    await report({ type: 'x', pattern: { a: 1 }, agentType: 'wizard' }).expect(400);
    await report({ pattern: { a: 1 } }).expect(400);
  });

  it('is deleted by admins only', async () => {
    const pattern = (await report({ type: 'to_delete', pattern: 1 }).expect(201)).body;
    await api().delete(`/api/patterns/${pattern.id}`).set(auth).expect(403);
    await api().delete(`/api/patterns/${pattern.id}`).set(admin).expect(204);
    await api().get(`/api/patterns/${pattern.id}`).set(auth).expect(404);
  });
});

describe('lessons and patterns across tenants', () => {
  let testApp: TestApp;
  const owner = bearer(tokenFor({ tenant: 'kb-owner', sub: 'olga', roles: ['admin'] }));
  const intruder = bearer(tokenFor({ tenant: 'kb-intruder', sub: 'ivan', roles: ['admin'] }));
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    testApp = await startTestApp();
    ids.lesson = (
      await request(testApp.server).post('/api/lessons').set(owner).send({ category: 'c', title: 'secret', summary: 'secret lesson' })
    ).body.id;
    ids.pattern = (
      await request(testApp.server)
        .post('/api/patterns')
        .set(owner)
        .send({ type: 'secret', pattern: { a: 1 } })
    ).body.id;
  });
  afterAll(() => testApp.close());

  // Four members in every row: jest would take a missing last argument for a `done` callback.
  it.each([
    ['GET', '/api/lessons/:lesson', undefined],
    ['PATCH', '/api/lessons/:lesson', { title: 'hijacked' }],
    ['DELETE', '/api/lessons/:lesson', undefined],
    ['POST', '/api/lessons/:lesson/applications', { success: false }],
    ['PUT', '/api/lessons/:lesson/validation', undefined],
    ['DELETE', '/api/lessons/:lesson/validation', undefined],
    ['GET', '/api/patterns/:pattern', undefined],
    ['DELETE', '/api/patterns/:pattern', undefined],
  ] as const)('%s %s answers 404', async (method, route, body) => {
    const path = route.replace(':lesson', ids.lesson).replace(':pattern', ids.pattern);
    const response = await request(testApp.server)[method.toLowerCase() as 'get'](path).set(intruder).send(body);
    expect(response.status).toBe(404);
  });

  it('left the owner’s lesson and pattern untouched, and counts a same-looking report separately', async () => {
    const lesson = (await request(testApp.server).get(`/api/lessons/${ids.lesson}`).set(owner).expect(200)).body;
    expect(lesson).toMatchObject({ title: 'secret', applicationCount: 0, humanValidated: false });
    const theirs = await request(testApp.server)
      .post('/api/patterns')
      .set(intruder)
      .send({ type: 'secret', pattern: { a: 1 } })
      .expect(201);
    expect(theirs.body.id).not.toBe(ids.pattern);
    expect((await request(testApp.server).get(`/api/patterns/${ids.pattern}`).set(owner)).body.frequency).toBe(1);
  });

  it('counts each tenant’s own lessons and patterns only', async () => {
    const count = async (path: string, as: Record<string, string>) =>
      (await request(testApp.server).get(path).set(as).expect(200)).body as { count: number };
    const stranger = bearer(tokenFor({ tenant: 'kb-stranger', sub: 'sid' }));
    expect(await count('/api/patterns/count?type=secret', owner)).toEqual({ count: 1 });
    expect(await count('/api/patterns/count?type=secret', stranger)).toEqual({ count: 0 });
    expect(await count('/api/lessons/count?q=secret', owner)).toEqual({ count: 1 });
    expect(await count('/api/lessons/count?q=secret', intruder)).toEqual({ count: 0 });
    expect(await count('/api/lessons/count', stranger)).toEqual({ count: 0 });
  });
});

import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

const alice = bearer(tokenFor({ tenant: 'acme', sub: 'alice' }));

function expectProblem(response: request.Response, status: number): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) });
  expect(response.body.requestId).toBe(response.headers['x-request-id']);
  expect(JSON.stringify(response.body)).not.toMatch(/ at |select |insert |node_modules/i);
}

describe('HTTP conventions', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp({ BODY_LIMIT_BYTES: '2048', RATE_LIMIT_PER_MINUTE: '1000' });
  });
  afterAll(() => testApp.close());

  it('answers an unknown route with a 404 problem', async () => {
    expectProblem(await request(testApp.server).get('/api/nothing-here').set(alice), 404);
  });

  it('answers malformed JSON with a 400 problem and creates nothing', async () => {
    const response = await request(testApp.server)
      .post('/api/tasks')
      .set(alice)
      .set('content-type', 'application/json')
      .send('{"prompt": ');
    expectProblem(response, 400);
    const list = await request(testApp.server).get('/api/tasks').set(alice).expect(200);
    expect(list.body.items).toEqual([]);
  });

  it('answers an over-size body with 413', async () => {
    expectProblem(
      await request(testApp.server)
        .post('/api/tasks')
        .set(alice)
        .send({ prompt: 'x'.repeat(4096) }),
      413,
    );
  });

  it('answers an unsupported media type with 415', async () => {
    expectProblem(await request(testApp.server).post('/api/tasks').set(alice).set('content-type', 'application/xml').send('<task/>'), 415);
  });

  it('makes its own request id for a caller that is not a trusted proxy, and sends security headers', async () => {
    const made = await request(testApp.server).get('/health/live').set('X-Request-Id', 'trace-123').expect(200);
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.headers['x-content-type-options']).toBe('nosniff');
    expect(made.headers['strict-transport-security']).toBeDefined();
  });

  it.each([
    ['a year only', '2024'],
    ['an impossible date', '2024-02-30T00:00:00.000Z'],
    ['a date PostgreSQL cannot hold', '+275760-09-13T00:00:00.000Z'],
    ['a JavaScript date string', new Date(0).toString()],
  ])('answers a cursor holding %s with 400, never 500', async (_case, createdAt) => {
    const cursor = Buffer.from(JSON.stringify([createdAt, '0190a5a0-0000-7000-8000-000000000000'])).toString('base64url');
    expectProblem(await request(testApp.server).get(`/api/tasks?cursor=${cursor}`).set(alice), 400);
  });

  it('refuses NUL characters anywhere in the input, naming the fields', async () => {
    const response = await request(testApp.server)
      .post('/api/tasks')
      .set(alice)
      .send({ prompt: 'a\u0000b', config: { 'k\u0000': 1, nested: ['\u0000'] } });
    expectProblem(response, 400);
    expect(response.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'config.k\u0000',
      'config.nested.0',
      'prompt',
    ]);
    expectProblem(await request(testApp.server).get('/api/tasks?projectId=a%00b').set(alice), 400);
  });

  it('refuses JSON nested deeper than 64 levels with 400, even where the body is hashed first', async () => {
    const body = `{"prompt": "p", "config": ${'{"d":'.repeat(100)}"leaf"${'}'.repeat(100)}}`;
    expectProblem(await request(testApp.server).post('/api/tasks').set(alice).set('content-type', 'application/json').send(body), 400);
    const keyed = await request(testApp.server)
      .post('/api/tasks')
      .set(alice)
      .set('Idempotency-Key', 'deep')
      .set('content-type', 'application/json')
      .send(body);
    expectProblem(keyed, 400);
    expect(keyed.body.detail).toMatch(/deeper than 64/);
  });

  it('publishes the OpenAPI document and Swagger UI without a token', async () => {
    const document = await request(testApp.server).get('/docs-json').expect(200);
    expect(document.body.openapi).toMatch(/^3\./);
    expect(Object.keys(document.body.paths)).toEqual(expect.arrayContaining(['/api/tasks', '/api/tasks/{id}', '/health/ready']));
    const ui = await request(testApp.server).get('/docs').expect(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
  });
});

describe('rate limiting', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp({ RATE_LIMIT_PER_MINUTE: '4', RATE_LIMIT_PER_USER_PER_MINUTE: '3' });
  });
  afterAll(() => testApp.close());

  const bob = bearer(tokenFor({ tenant: 'acme', sub: 'bob' }));

  it('limits each user across all routes, each tenant across all its users, and other tenants not at all', async () => {
    const routes = ['/api/tasks', '/api/lessons', '/api/dashboards'];
    for (const [i, route] of routes.entries()) {
      const ok = await request(testApp.server).get(route).set(alice).expect(200);
      // The user's limit is the one closest to running out: its headers are the ones sent.
      expect(ok.headers['x-ratelimit-limit']).toBe('3');
      expect(ok.headers['x-ratelimit-remaining']).toBe(String(2 - i));
    }
    const userLimited = await request(testApp.server).get('/api/saved-queries').set(alice);
    expectProblem(userLimited, 429);
    expect(userLimited.body).toMatchObject({ scope: 'user', limit: 3 });
    expect(Number(userLimited.headers['retry-after'])).toBeGreaterThan(0);

    const bobFirst = await request(testApp.server).get('/api/tasks').set(bob).expect(200);
    expect(bobFirst.headers['x-ratelimit-limit']).toBe('4');
    expect(bobFirst.headers['x-ratelimit-remaining']).toBe('0');
    const tenantLimited = await request(testApp.server).get('/api/lessons').set(bob);
    expectProblem(tenantLimited, 429);
    expect(tenantLimited.body).toMatchObject({ scope: 'tenant', limit: 4 });

    await request(testApp.server)
      .get('/api/tasks')
      .set(bearer(tokenFor({ tenant: 'globex', sub: 'alice' })))
      .expect(200);
  });

  it('never counts or refuses health probes', async () => {
    for (let i = 0; i < 10; i++) {
      await request(testApp.server).get('/health/live').expect(200);
    }
  });
});

describe('failed authentication limit', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp({ AUTH_FAILURES_PER_MINUTE: '3' });
  });
  afterAll(() => testApp.close());

  it('answers 429 once an address has failed too often, while a valid token still passes', async () => {
    const forged = bearer(tokenFor({ tenant: 'acme', sub: 'alice' }, {}, 'a-guessed-secret-that-is-long-enough-to-sign'));
    for (let i = 0; i < 3; i++) {
      await request(testApp.server).get('/api/tasks').set(forged).expect(401);
    }
    const limited = await request(testApp.server).get('/api/tasks').set(forged);
    expectProblem(limited, 429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await request(testApp.server).get('/api/tasks').set(alice).expect(200);
  });
});

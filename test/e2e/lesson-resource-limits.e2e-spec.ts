import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app.js';
import { withOwnerClient } from '../support/test-database.js';
import { bearer, tokenFor } from '../support/tokens.js';

/** About 1 MB of JSON: within the raised body limit, and wide enough to overflow a recursive walk. */
const ZEROS = new Array(520_000).fill(0);
const EXPENSIVE_READ_TIMEOUT_MS = 300;

describe('lessons and patterns under oversized input', () => {
  let testApp: TestApp;
  const auth = bearer(tokenFor({ tenant: 'limits-co', sub: 'lou' }));
  const api = () => request(testApp.server);
  let lessonId: string;

  beforeAll(async () => {
    testApp = await startTestApp({
      BODY_LIMIT_BYTES: String(4 * 1024 * 1024),
      DB_EXPENSIVE_STATEMENT_TIMEOUT_MS: String(EXPENSIVE_READ_TIMEOUT_MS),
    });
    lessonId = (await api().post('/api/lessons').set(auth).send({ category: 'c', title: 'Timeouts everywhere', summary: 's' }).expect(201))
      .body.id;
  });
  afterAll(() => testApp.close());

  it.each([
    ['POST', '/api/lessons', 400, { category: 'c', title: 't', summary: 's', tags: ZEROS }],
    ['PATCH', '/api/lessons/:id', 400, { tags: ZEROS }],
    ['POST', '/api/patterns', 413, { type: 'huge', pattern: ZEROS }],
  ] as const)('%s %s with a 520,000-element array answers a %i problem', async (method, route, status, body) => {
    const response = await api()[method.toLowerCase() as 'post'](route.replace(':id', lessonId)).set(auth).send(body);
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it.each(['/api/lessons', '/api/patterns'])('POST %s with a body nested 100,000 levels deep answers 400', async (route) => {
    const deep = `{"type":"deep","category":"c","title":"t","summary":"s","pattern":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const response = await api().post(route).set(auth).set('content-type', 'application/json').send(deep);
    expect(response.status).toBe(400);
    expect(response.body.detail).toMatch(/nests deeper than/);
  });

  it('gives a ranked search up after DB_EXPENSIVE_STATEMENT_TIMEOUT_MS, while other reads wait their usual time', async () => {
    await withOwnerClient(testApp.database, async (owner) => {
      await owner.query('begin');
      await owner.query('lock table lessons in access exclusive mode');
      const started = Date.now();
      let readSettled = false;
      const read = api()
        .get(`/api/lessons/${lessonId}`)
        .set(auth)
        .then((response) => {
          readSettled = true;
          return response;
        });
      const search = await api().get('/api/lessons?q=timeouts').set(auth);
      const searchMs = Date.now() - started;
      const readWasWaiting = !readSettled;
      await owner.query('commit');
      expect(search.status).toBe(503);
      expect(searchMs).toBeLessThan(EXPENSIVE_READ_TIMEOUT_MS + 2_000);
      expect(readWasWaiting).toBe(true);
      expect((await read).status).toBe(200);
    });
  });
});

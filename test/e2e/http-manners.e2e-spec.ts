import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

const alice = bearer(tokenFor({ tenant: 'acme', sub: 'alice' }));
const SOME_ID = '0190a5a0-0000-7000-8000-000000000000';

function expectProblem(response: request.Response, status: number): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) });
  expect(response.body.requestId).toBe(response.headers['x-request-id']);
}

describe('HTTP manners', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp({ BODY_LIMIT_BYTES: '2048' });
  });
  afterAll(() => testApp.close());

  describe('415 for a body that is not JSON', () => {
    it('refuses a form body (what curl -d sends) with 415 naming the accepted type, and creates nothing', async () => {
      const response = await request(testApp.server)
        .post('/api/tasks')
        .set(alice)
        .send('{"prompt":"x"}')
        .set('content-type', 'application/x-www-form-urlencoded');
      expectProblem(response, 415);
      expect(response.body.detail).toMatch(/application\/x-www-form-urlencoded.*application\/json/);
      expect(response.body.acceptedMediaTypes).toEqual(['application/json']);
      expect(response.headers['accept-post']).toBe('application/json');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      const list = await request(testApp.server).get('/api/tasks').set(alice).expect(200);
      expect(list.body.items).toEqual([]);
    });

    it.each([
      ['text/plain'],
      ['application/xml'],
      ['multipart/form-data; boundary=x'],
      ['application/json; charset=latin1'],
      ['application/vnd.api+json'],
    ])('refuses %s with 415', async (contentType) => {
      expectProblem(
        await request(testApp.server).post('/api/lessons').set(alice).set('content-type', contentType).send('{"title":"t"}'),
        415,
      );
    });

    it('refuses a body without any content type, saying what to send', async () => {
      const response = await request(testApp.server)
        .post('/api/tasks')
        .set(alice)
        .set('content-type', '')
        .send(Buffer.from('{"prompt":"x"}'));
      expectProblem(response, 415);
      expect(response.body.detail).toMatch(/no Content-Type.*application\/json/);
    });

    it('refuses application/merge-patch+json on PATCH with Accept-Patch (no route applies merge-patch semantics)', async () => {
      const task = await request(testApp.server).post('/api/tasks').set(alice).send({ prompt: 'patch me' }).expect(201);
      const response = await request(testApp.server)
        .patch(`/api/tasks/${task.body.id}`)
        .set(alice)
        .set('content-type', 'application/merge-patch+json')
        .send('{"prompt":"y"}');
      expectProblem(response, 415);
      expect(response.headers['accept-patch']).toBe('application/json');
      await request(testApp.server)
        .patch(`/api/tasks/${task.body.id}`)
        .set(alice)
        .set('content-type', 'application/json; charset=UTF-8')
        .send('{"prompt":"y"}')
        .expect(200);
    });

    it('accepts JSON with or without charset=utf-8, and requests without a body whatever they claim', async () => {
      await request(testApp.server)
        .post('/api/tasks')
        .set(alice)
        .set('content-type', 'application/json;charset="utf-8"')
        .send('{"prompt":"a"}')
        .expect(201);
      // No body: nothing to refuse; the route's own validation answers.
      const empty = await request(testApp.server)
        .post('/api/tasks')
        .set(alice)
        .set('content-type', 'text/plain')
        .set('content-length', '0');
      expectProblem(empty, 400);
    });
  });

  describe('405 for a known path with another method', () => {
    it('answers a wrong method with 405 and Allow, not 404', async () => {
      const response = await request(testApp.server).delete('/api/tasks').set(alice);
      expectProblem(response, 405);
      expect(response.headers.allow).toBe('GET, HEAD, POST');
      expect(response.body.allowedMethods).toEqual(['GET', 'HEAD', 'POST']);
      expect(response.body.detail).toBe('DELETE is not allowed on /api/tasks; it allows GET, HEAD, POST.');
    });

    it('answers before authentication and for routes outside /api too', async () => {
      const health = await request(testApp.server).post('/health/live');
      expectProblem(health, 405);
      expect(health.headers.allow).toBe('GET, HEAD');
      const docs = await request(testApp.server).delete('/docs-json');
      expectProblem(docs, 405);
      expect(docs.headers.allow).toBe('GET, HEAD');
    });

    it('still answers 404 for a path no route has, and 204 with Allow for OPTIONS on a known one', async () => {
      expectProblem(await request(testApp.server).put('/api/nothing-here').set(alice), 404);
      const options = await request(testApp.server).options(`/api/tasks/${SOME_ID}`).expect(204);
      expect(options.headers.allow).toMatch(/^GET, HEAD, PATCH/);
    });

    it('derives Allow from the registered routes for every documented path', async () => {
      const document = (await request(testApp.server).get('/docs-json').expect(200)).body as {
        paths: Record<string, Record<string, unknown>>;
      };
      const candidates = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
      let checked = 0;
      for (const [template, operations] of Object.entries(document.paths)) {
        const documented = Object.keys(operations).map((method) => method.toUpperCase());
        const wrong = candidates.find((method) => !documented.includes(method));
        if (!wrong) continue;
        const path = template.replace(/\{[^}]+\}/g, SOME_ID);
        const response = await request(testApp.server)[wrong.toLowerCase() as 'get'](path).set(alice);
        expect({ path, wrong, status: response.status }).toEqual({ path, wrong, status: 405 });
        const allow = String(response.headers.allow).split(', ');
        expect(allow).toEqual(expect.arrayContaining(documented.includes('GET') ? [...documented, 'HEAD'] : documented));
        expect(allow).not.toContain(wrong);
        checked++;
      }
      expect(checked).toBeGreaterThan(30);
    });
  });

  it('names the body limit in bytes in a 413', async () => {
    const response = await request(testApp.server)
      .post('/api/tasks')
      .set(alice)
      .send({ prompt: 'x'.repeat(4096) });
    expectProblem(response, 413);
    expect(response.body.detail).toBe('The request body is larger than the 2048 bytes this server accepts.');
    expect(response.body.maxBytes).toBe(2048);
  });

  describe('Swagger UI over plain HTTP', () => {
    it('serves /docs without upgrade-insecure-requests, keeping the rest of the policy and the API headers whole', async () => {
      const api = await request(testApp.server).get('/api/tasks').set(alice).expect(200);
      const apiPolicy = String(api.headers['content-security-policy']).split(';');
      expect(apiPolicy).toContain('upgrade-insecure-requests');
      const ui = await request(testApp.server).get('/docs').set('host', 'tessera.example:8080').expect(200);
      const uiPolicy = String(ui.headers['content-security-policy']).split(';');
      expect(uiPolicy).not.toContain('upgrade-insecure-requests');
      expect(uiPolicy).toEqual(apiPolicy.filter((directive) => directive !== 'upgrade-insecure-requests'));
      expect(ui.headers['x-content-type-options']).toBe('nosniff');
      expect(String((await request(testApp.server).get('/docs-json').expect(200)).headers['content-security-policy'])).toContain(
        'upgrade-insecure-requests',
      );
    });

    it("loads every script and style of the UI from the server's own relative paths, under the same relaxed policy", async () => {
      const ui = await request(testApp.server).get('/docs').expect(200);
      const assets = [...String(ui.text).matchAll(/(?:src|href)="([^"]+)"/g)]
        .map((match) => match[1] as string)
        .filter((url) => /\.(js|css)$/.test(url));
      expect(assets.length).toBeGreaterThanOrEqual(3);
      for (const asset of assets) {
        expect(asset).not.toMatch(/^(https?:)?\/\//);
        const url = new URL(asset, 'http://tessera.example/docs').pathname;
        const response = await request(testApp.server).get(url).expect(200);
        expect(String(response.headers['content-security-policy'])).not.toContain('upgrade-insecure-requests');
      }
    });
  });
});

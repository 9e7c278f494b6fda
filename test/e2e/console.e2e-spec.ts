import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer } from '../support/tokens.js';

/** The audit console's static assets, their CSP, and the development-only token route. */
describe('console', () => {
  describe('served in development', () => {
    let testApp: TestApp;
    beforeAll(async () => {
      testApp = await startTestApp({ NODE_ENV: 'development' });
    });
    afterAll(() => testApp.close());

    it('serves the page and its bundled assets under a CSP without unsafe-inline', async () => {
      const page = await request(testApp.server).get('/console/').expect(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.text).toContain('<script type="module" src="main.js"></script>');
      expect(page.text).not.toMatch(/https?:\/\//);
      const csp = page.headers['content-security-policy'];
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(page.headers['cache-control']).toBe('no-store');
      const script = await request(testApp.server).get('/console/main.js').expect(200);
      expect(script.headers['content-type']).toMatch(/javascript/);
      expect(script.headers['content-security-policy']).not.toContain('unsafe-inline');
      await request(testApp.server)
        .get('/console/console.css')
        .expect(200)
        .expect('content-type', /text\/css/);
    });

    it('redirects /console to /console/', async () => {
      const response = await request(testApp.server).get('/console').expect(301);
      expect(response.headers.location).toBe('/console/');
    });

    it("keeps the API docs' own policy", async () => {
      const docs = await request(testApp.server).get('/docs-json').expect(200);
      expect(docs.headers['content-security-policy']).not.toContain("frame-ancestors 'none'; default-src 'none'");
    });

    it('signs a development token that the API accepts', async () => {
      await request(testApp.server).get('/console/dev-token').expect(200, { available: true });
      const { body } = await request(testApp.server)
        .post('/console/dev-token')
        .send({ tenant: 'console-dev', sub: 'ada', roles: ['admin'] })
        .expect(200);
      await request(testApp.server).get('/api/audit-logs').set(bearer(body.token)).expect(200);
    });

    it('refuses a development token request with invalid fields, naming them', async () => {
      const { body } = await request(testApp.server)
        .post('/console/dev-token')
        .send({ tenant: '', sub: 'a b', roles: ['root'] })
        .expect(400)
        .expect('content-type', /problem\+json/);
      expect(body.errors.map((error: { field: string }) => error.field)).toEqual(['tenant', 'sub', 'roles']);
    });

    it('refuses a development token request that is not JSON', async () => {
      await request(testApp.server)
        .post('/console/dev-token')
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send('tenant=a&sub=b')
        .expect(415);
    });
  });

  describe('in production', () => {
    let testApp: TestApp;
    beforeAll(async () => {
      testApp = await startTestApp({ NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-that-is-long-enough-0123456789' });
    });
    afterAll(() => testApp.close());

    it('serves the console but has no development token route', async () => {
      await request(testApp.server).get('/console/').expect(200);
      await request(testApp.server).get('/console/dev-token').expect(404);
      const post = await request(testApp.server)
        .post('/console/dev-token')
        .send({ tenant: 'acme', sub: 'ada', roles: ['admin'] });
      expect([404, 405]).toContain(post.status);
      expect(post.body.token).toBeUndefined();
    });
  });
});

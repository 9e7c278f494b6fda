import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app.js';

/**
 * Every route of the OpenAPI document, without a token: only health and docs answer. A new route
 * shows up here by itself; a route that answers anything but 401 fails this test.
 */
describe('route access', () => {
  let testApp: TestApp;
  let routes: [method: string, path: string][];

  beforeAll(async () => {
    // More routes than the failed-authentication limit allows per minute: lift it, so each answer is the route's own.
    testApp = await startTestApp({ AUTH_FAILURES_PER_MINUTE: '10000' });
    const document = (await request(testApp.server).get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    routes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map(
        (method) => [method, path.replace(/\{[^}]+\}/g, '0190a5a0-0000-7000-8000-000000000000')] as [string, string],
      ),
    );
  });
  afterAll(() => testApp.close());

  it('lists the API routes', () => {
    expect(routes.length).toBeGreaterThan(10);
  });

  it('refuses every route but health without a bearer token', async () => {
    const answers: Record<string, number> = {};
    for (const [method, path] of routes) {
      const response = await request(testApp.server)[method as 'get'](path).send({});
      answers[`${method.toUpperCase()} ${path}`] = response.status;
    }
    const publicRoutes = Object.entries(answers)
      .filter(([, status]) => status !== 401)
      .map(([route]) => route);
    expect(publicRoutes.sort()).toEqual(['GET /health/live', 'GET /health/ready']);
  });
});

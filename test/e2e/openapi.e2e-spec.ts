import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app.js';

type Operation = {
  operationId?: string;
  tags?: string[];
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
};

/**
 * The OpenAPI document as a client generator reads it. Whether real responses match it is checked
 * for the whole e2e suite (test/support/openapi-check.ts).
 */
describe('OpenAPI document', () => {
  let testApp: TestApp;
  let document: {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
  };
  let operations: [string, Operation][];

  beforeAll(async () => {
    testApp = await startTestApp();
    document = (await request(testApp.server).get('/docs-json').expect(200)).body;
    operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => [`${method.toUpperCase()} ${path}`, operation] as [string, Operation]),
    );
  });
  afterAll(() => testApp.close());

  it('names every operation readably and uniquely', () => {
    const ids = operations.map(([, operation]) => operation.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const byRoute = Object.fromEntries(operations.map(([route, operation]) => [route, operation.operationId]));
    expect(byRoute).toMatchObject({
      'GET /api/tasks': 'listTasks',
      'POST /api/tasks': 'createTask',
      'GET /api/tasks/{id}': 'getTask',
      'GET /api/tasks/count': 'countTasks',
      'GET /api/projects': 'listProjects',
      'GET /api/dashboards': 'listDashboards',
    });
  });

  it('tags every operation with its module', () => {
    expect(operations.filter(([, operation]) => !operation.tags?.length).map(([route]) => route)).toEqual([]);
  });

  it('shares one Problem schema with the RFC 9457 members, open to extensions', () => {
    const problem = document.components.schemas.Problem as {
      required: string[];
      properties: Record<string, unknown>;
      additionalProperties: boolean;
    };
    expect(problem.required).toEqual(['type', 'title', 'status', 'detail']);
    expect(Object.keys(problem.properties)).toEqual(
      expect.arrayContaining(['type', 'code', 'title', 'status', 'detail', 'instance', 'requestId', 'errors']),
    );
    expect(problem.additionalProperties).toBe(true);
  });

  it('documents 401, 429, 503 and 500 as problems on every authenticated operation', () => {
    const missing = operations
      .filter(([, operation]) => operation.security?.length)
      .flatMap(([route, operation]) =>
        ['401', '429', '500', '503']
          .filter((status) => !operation.responses[status]?.content?.['application/problem+json']?.schema)
          .map((status) => `${route} ${status}`),
      );
    expect(missing).toEqual([]);
  });

  it('documents 404 on every operation whose path names a resource', () => {
    const missing = operations.filter(([route, operation]) => /\{/.test(route) && !operation.responses['404']).map(([route]) => route);
    expect(missing).toEqual([]);
  });

  it('gives the task and project operations a schema for each success', () => {
    const undocumented = operations
      .filter(([route]) => /^\S+ \/api\/(tasks|executions|artifacts|projects)\b/.test(route))
      .flatMap(([route, operation]) =>
        Object.entries(operation.responses)
          .filter(([status, response]) => status.startsWith('2') && status !== '204' && !response.content?.['application/json']?.schema)
          .map(([status]) => `${route} ${status}`),
      );
    expect(undocumented).toEqual([]);
    expect(document.components.schemas.Task?.properties).toHaveProperty('state');
  });
});

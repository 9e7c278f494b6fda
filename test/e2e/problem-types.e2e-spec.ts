import request from 'supertest';
import { ALL_PROBLEM_TYPES, problemTypeOf } from '../../src/problem-catalogues.js';
import { createDashboard } from '../support/dashboards.js';
import { createProject, taskIn } from '../support/tasks.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

/**
 * Every problem the application answers with has a catalogued type (docs/problems.md), never
 * `about:blank`: representative refusals of the platform and of each module, each checked against
 * the catalogue (URI, code, status and title agree).
 */
describe('problem types', () => {
  let testApp: TestApp;
  const api = () => request(testApp.server);
  const alice = bearer(tokenFor({ tenant: 'pt-acme', sub: 'alice' }));
  const mallory = bearer(tokenFor({ tenant: 'pt-other', sub: 'mallory' }));

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  /** The response is a problem of the catalogued type `slug`; returns its body. */
  function expectProblem(response: request.Response, slug: string): Record<string, unknown> {
    const expected = ALL_PROBLEM_TYPES.find((type) => type.slug === slug);
    expect(expected).toBeDefined();
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = response.body as Record<string, unknown>;
    expect(body.type).not.toBe('about:blank');
    const type = problemTypeOf(String(body.type));
    expect({ type: body.type, catalogued: type !== undefined }).toEqual({ type: body.type, catalogued: true });
    expect(body).toMatchObject({ type: expected!.uri, code: expected!.code, title: expected!.title, status: response.status });
    return body;
  }

  describe('the platform', () => {
    it.each([
      ['no token', () => api().get('/api/tasks'), 'unauthorized'],
      ['an unknown path', () => api().get('/api/no-such-thing').set(alice), 'not-found'],
      ['a known path with a wrong method', () => api().put('/api/tasks').set(alice).send({}), 'method-not-allowed'],
      [
        'a body that is not JSON',
        () => api().post('/api/projects').set(alice).set('content-type', 'text/plain').send('name=x'),
        'unsupported-media-type',
      ],
      [
        'a body that does not parse',
        () => api().post('/api/projects').set(alice).set('content-type', 'application/json').send('{"name":'),
        'malformed-request',
      ],
      ['an invalid body', () => api().post('/api/projects').set(alice).send({}), 'validation-failed'],
      ['a malformed id in the path', () => api().get('/api/tasks/not-a-uuid').set(alice), 'bad-request'],
      ['a forged cursor', () => api().get('/api/tasks?cursor=forged').set(alice), 'invalid-cursor'],
      ['a role the token lacks', () => api().put(`/api/lessons/${NO_SUCH_ID}/validation`).set(alice), 'forbidden'],
    ])('types %s', async (_what, send, slug) => {
      expectProblem(await send(), slug);
    });

    it('types a stale If-Match and a malformed one, with the current version', async () => {
      const dashboard = await createDashboard(testApp, alice, { name: 'Typed' });
      const stale = await api().patch(`/api/dashboards/${dashboard.id}`).set(alice).set('If-Match', '"99"').send({ description: 'x' });
      expect(expectProblem(stale, 'precondition-failed')).toMatchObject({ currentVersion: 1 });
      expectProblem(
        await api().patch(`/api/dashboards/${dashboard.id}`).set(alice).set('If-Match', 'nonsense').send({ description: 'x' }),
        'invalid-precondition-header',
      );
      expectProblem(
        await api().get(`/api/dashboards/${dashboard.id}`).set(alice).set('If-None-Match', 'nonsense'),
        'invalid-precondition-header',
      );
    });
  });

  describe('the modules', () => {
    it.each([
      ['a project', '/api/projects', 'project-not-found'],
      ['a task', '/api/tasks', 'task-not-found'],
      ['an execution', '/api/executions', 'task-execution-not-found'],
      ['an artifact', '/api/artifacts', 'task-artifact-not-found'],
      ['a lesson', '/api/lessons', 'lesson-not-found'],
      ['a pattern', '/api/patterns', 'pattern-not-found'],
      ['a saved query', '/api/saved-queries', 'saved-query-not-found'],
      ['a dashboard', '/api/dashboards', 'dashboard-not-found'],
      ['a widget', '/api/widgets', 'widget-not-found'],
    ])('types %s that does not exist', async (_what, path, slug) => {
      expectProblem(await api().get(`${path}/${NO_SUCH_ID}`).set(alice), slug);
    });

    it("types another tenant's project as not found, like one that never existed", async () => {
      const project = await createProject(testApp, alice, 'Mine');
      expectProblem(await api().get(`/api/projects/${project.id}`).set(mallory), 'project-not-found');
      expectProblem(await api().post('/api/tasks').set(mallory).send({ prompt: 'x', projectId: project.id }), 'unknown-reference');
    });

    it('types domain refusals with the members the catalogue documents', async () => {
      await createProject(testApp, alice, 'Once');
      expectProblem(await api().post('/api/projects').set(alice).send({ name: 'Once' }), 'project-name-taken');

      const done = await taskIn(testApp, alice, 'completed');
      const illegal = expectProblem(
        await api().post(`/api/tasks/${done.id}/transitions`).set(alice).send({ to: 'running' }),
        'task-transition-not-allowed',
      );
      expect(illegal).toMatchObject({ currentState: 'completed', allowedStates: expect.any(Array) });
      const running = await taskIn(testApp, alice, 'running');
      expect(expectProblem(await api().delete(`/api/tasks/${running.id}`).set(alice), 'task-not-deletable')).toMatchObject({
        currentState: 'running',
      });

      expectProblem(await api().get('/api/lessons?sort=relevance').set(alice), 'validation-failed');

      const dashboard = await createDashboard(testApp, alice, { name: 'Versions' });
      expectProblem(await api().get(`/api/dashboards/${dashboard.id}/versions/999`).set(alice), 'dashboard-version-not-found');
      expectProblem(await api().post('/api/dashboards').set(alice).send({ name: 'Versions' }), 'dashboard-name-taken');
    });
  });
});

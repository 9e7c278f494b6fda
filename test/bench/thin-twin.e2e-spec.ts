import pg from 'pg';
import request from 'supertest';
import { startThinTwin, type ThinTwin } from '../../bench/twin/twin-server.js';
import { parseEnvironment } from '../../src/config/environment.js';
import { createDashboard, createWidget, type WidgetBody } from '../support/dashboards.js';
import { taskIn } from '../support/tasks.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

/**
 * The benchmark's thin twin (bench/twin) against Tessera on one database: for each route the
 * benchmark compares, the same answer and the same statements in the same unit of work — so the
 * comparison measures framework overhead, never different work.
 */
describe('the thin twin', () => {
  let tessera: TestApp;
  let twin: ThinTwin;
  const auth = bearer(tokenFor({ tenant: 'twin-acme', sub: 'alice' }));
  const stranger = bearer(tokenFor({ tenant: 'twin-other', sub: 'alice' }));
  let dashboardId: string;
  let widgets: WidgetBody[];

  beforeAll(async () => {
    tessera = await startTestApp();
    twin = await startThinTwin(tessera.database.runtimeUrl, parseEnvironment({ NODE_ENV: 'test' }));
    const dashboard = await createDashboard(tessera, auth);
    dashboardId = dashboard.id;
    widgets = [
      await createWidget(tessera, auth, dashboardId),
      await createWidget(tessera, auth, dashboardId, { position: { x: 6, y: 0, w: 6, h: 4 } }),
    ];
  });
  afterAll(async () => {
    await twin?.close();
    await tessera?.close();
  });

  type Call = (server: Parameters<typeof request>[0]) => request.Test;
  const servers = () => ({ tessera: tessera.server, twin: twin.url });

  /** The statements of the one unit of work a call runs (begin … commit), normalised, and the response. */
  async function traced(call: Call, server: Parameters<typeof request>[0]) {
    // Below the clients (Tessera's pool replaces each connection's query function): every message's text.
    const sent: { client: unknown; text: string }[] = [];
    const connection = pg.Connection.prototype as unknown as Record<'query' | 'parse', (...args: unknown[]) => unknown>;
    const originals = { query: connection.query, parse: connection.parse };
    connection.query = function (this: unknown, ...args: unknown[]) {
      sent.push({ client: this, text: args[0] as string });
      return originals.query.apply(this, args);
    };
    connection.parse = function (this: unknown, ...args: unknown[]) {
      sent.push({ client: this, text: (args[0] as { text: string }).text });
      return originals.parse.apply(this, args);
    };
    try {
      const response = await call(server);
      return { response, statements: unitOfWork(sent).map(normalised) };
    } finally {
      Object.assign(connection, originals);
    }
  }

  /** Both servers' answers and statements for the same call. */
  async function both(call: Call, twinCall: Call = call) {
    return { tessera: await traced(call, servers().tessera), twin: await traced(twinCall, servers().twin) };
  }

  it('reads a dashboard with its widgets: the same JSON and ETag, the same statements', async () => {
    const { tessera: a, twin: b } = await both((server) => request(server).get(`/api/dashboards/${dashboardId}`).set(auth));
    expect(a.response.status).toBe(200);
    expect(b.response.body).toEqual(a.response.body);
    expect(b.response.headers.etag).toBe(a.response.headers.etag);
    expect(b.statements).toEqual(a.statements);
    expect(a.statements).toHaveLength(3);
  });

  it('moves widgets in a layout batch: the same dashboard (one version on), the same lock, history, move, prune and update', async () => {
    const [first, second] = widgets;
    const swap = [
      { widgetId: first.id, position: second.position },
      { widgetId: second.id, position: first.position },
    ];
    // Tessera swaps the two; the twin then sends the same batch, which moves nothing but is a new version all the same.
    const { tessera: a, twin: b } = await both((server) =>
      request(server).patch(`/api/dashboards/${dashboardId}/layout`).set(auth).send(swap),
    );
    expect([a.response.status, b.response.status]).toEqual([200, 200]);
    expect(b.response.headers.etag).toBe(`"${a.response.body.version + 1}"`);
    expect(withoutTimes(b.response.body)).toEqual({ ...withoutTimes(a.response.body), version: a.response.body.version + 1 });
    expect(b.statements).toEqual(a.statements);
    expect(a.statements.length).toBeGreaterThan(6);
  });

  it('lists the first page of tasks and reads a task: the same JSON, the same statements', async () => {
    const task = await taskIn(tessera, auth, 'running');
    for (const path of ['/api/tasks?limit=50', `/api/tasks/${task.id}`]) {
      const { tessera: a, twin: b } = await both((server) => request(server).get(path).set(auth));
      expect(a.response.status).toBe(200);
      expect(b.response.body).toEqual(a.response.body);
      expect(b.statements).toEqual(a.statements);
    }
  });

  it('creates a task: the same JSON but for its id and instants, the same insert (the audit trigger fires on both)', async () => {
    const body = { prompt: 'Refactor the billing module', config: { model: 'large' } };
    const { tessera: a, twin: b } = await both((server) => request(server).post('/api/tasks').set(auth).send(body));
    expect([a.response.status, b.response.status]).toEqual([201, 201]);
    expect(withoutGenerated(b.response.body)).toEqual(withoutGenerated(a.response.body));
    expect(b.response.headers.location).toBe(`/api/tasks/${b.response.body.id}`);
    expect(b.statements).toEqual(a.statements);
    // What the twin wrote reads back through Tessera as Tessera's own task does.
    const written = await request(tessera.server).get(`/api/tasks/${b.response.body.id}`).set(auth).expect(200);
    expect(written.body).toMatchObject({ prompt: body.prompt, config: body.config, state: 'pending', userId: 'alice' });
  });

  it.each([
    ['running', 'awaiting_approval'],
    ['awaiting_approval', 'running'],
  ])('moves a task %s → %s: the same JSON but for its id and instants, the same lock, checks and update', async (from, to) => {
    const [first, second] = [await taskIn(tessera, auth, from), await taskIn(tessera, auth, from)];
    const move = (id: string) => (server: Parameters<typeof request>[0]) =>
      request(server).post(`/api/tasks/${id}/transitions`).set(auth).send({ to });
    const { tessera: a, twin: b } = await both(move(first.id), move(second.id));
    expect([a.response.status, b.response.status]).toEqual([200, 200]);
    expect(withoutGenerated(b.response.body)).toEqual(withoutGenerated(a.response.body));
    expect(b.response.body.state).toBe(to);
    expect(b.statements).toEqual(a.statements);
  });

  it.each(['retry budget', 'retyr budgte'])(
    'searches lessons for %s (ranked, or the typo fallback): the same JSON, the same statements',
    async (q) => {
      for (const title of ['Retry budget for flaky gateways', 'Budget the retries of the payment client']) {
        await request(tessera.server).post('/api/lessons').set(auth).send({ category: 'testing', title, summary: 'a summary' }).expect(201);
      }
      const { tessera: a, twin: b } = await both((server) => request(server).get('/api/lessons').query({ q }).set(auth));
      expect(a.response.status).toBe(200);
      expect(a.response.body.items.length).toBeGreaterThan(0);
      expect(b.response.body).toEqual(a.response.body);
      expect(b.statements).toEqual(a.statements);
    },
  );

  it('refuses what Tessera refuses: a bad token (401), another tenant’s dashboard or task (404), a move the state machine forbids (409)', async () => {
    const task = await taskIn(tessera, auth, 'running');
    const forged = bearer(`${tokenFor({ tenant: 'twin-acme', sub: 'alice' })}x`);
    const cases: [Call, number][] = [
      [(server) => request(server).get(`/api/dashboards/${dashboardId}`).set(forged), 401],
      [(server) => request(server).get('/api/tasks?limit=50'), 401],
      [(server) => request(server).get(`/api/dashboards/${dashboardId}`).set(stranger), 404],
      [(server) => request(server).get(`/api/tasks/${task.id}`).set(stranger), 404],
      [(server) => request(server).post(`/api/tasks/${task.id}/transitions`).set(stranger).send({ to: 'awaiting_approval' }), 404],
      [(server) => request(server).post(`/api/tasks/${task.id}/transitions`).set(auth).send({ to: 'pending' }), 409],
      [(server) => request(server).get('/api/tasks/not-a-uuid').set(auth), 400],
    ];
    for (const [call, status] of cases) {
      const { tessera: a, twin: b } = await both(call);
      expect([a.response.status, b.response.status]).toEqual([status, status]);
    }
  });
});

/** The statements of the request's unit of work: BEGIN with the tenant's settings … COMMIT (not a job's meanwhile). */
function unitOfWork(sent: { client: unknown; text: string }[]): string[] {
  const begin = sent.find(({ text }) => text.startsWith('begin;select set_config('));
  const statements: string[] = [];
  for (const { client, text } of sent.slice(begin ? sent.indexOf(begin) : sent.length)) {
    if (client !== begin?.client) continue;
    statements.push(text);
    if (text === 'commit' || text === 'rollback') break;
  }
  return statements;
}

/**
 * A statement's shape: values written into the text (MikroORM inlines them, numbers too) and bound
 * ones ($1 …) alike become `?`, so that the ORM's statement and the twin's hand-written one compare.
 */
function normalised(text: string): string {
  return text
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/\$\d+/g, '?')
    .replace(/\b\d+\b/g, '?')
    .replace(/\bnull\b/g, '?')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A dashboard without the instants a change sets (its own and its widgets'). */
function withoutTimes({ updatedAt: _updatedAt, widgets, ...dashboard }: { updatedAt: string; widgets: Record<string, unknown>[] }) {
  return { ...dashboard, widgets: widgets.map(({ updatedAt: _widgetUpdatedAt, ...widget }) => widget) };
}

function withoutGenerated({ id, createdAt, updatedAt, ...rest }: Record<string, unknown>) {
  expect([id, createdAt, updatedAt].every((value) => typeof value === 'string')).toBe(true);
  return rest;
}

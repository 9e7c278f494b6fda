import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

const SCHEMA = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'openlineage', 'OpenLineage-2-0-2.json'), 'utf8'));
// Formats (date-time, uri) are not asserted here: the route checks eventTime itself.
const ajv = new Ajv2020({ strict: false, validateFormats: false });
const matchesSchema = ajv.compile(SCHEMA);

/** A RunEvent as an Airflow integration sends it (valid against the published schema). */
function runEvent(eventType: string, runId: string, overrides: Record<string, unknown> = {}) {
  return {
    eventType,
    eventTime: '2026-12-01T10:00:00.000Z',
    producer: 'https://github.com/apache/airflow/tree/providers-openlineage/2.20.3',
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
    run: {
      runId,
      facets: {
        nominalTime: { _producer: 'https://example.com', _schemaURL: 'https://example.com/s', nominalStartTime: '2026-12-01T10:00:00Z' },
      },
    },
    job: { namespace: 'airflow://prod', name: 'orders_dag.load_orders', facets: {} },
    inputs: [{ namespace: 'postgres://db:5432', name: 'shop.public.orders', facets: {} }],
    outputs: [{ namespace: 's3://lake', name: 'orders/daily', facets: {} }],
    ...overrides,
  };
}

describe('OpenLineage ingestion (HTTP)', () => {
  let testApp: TestApp;
  const olga = bearer(tokenFor({ tenant: 'lineage-a', sub: 'olga' }));
  const other = bearer(tokenFor({ tenant: 'lineage-b', sub: 'otto' }));
  const api = () => request(testApp.server);
  const post = (auth: Record<string, string>, body: unknown) =>
    api()
      .post('/api/lineage/events')
      .set(auth)
      .send(body as object);

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  it('uses fixtures the published OpenLineage schema accepts', () => {
    for (const eventType of ['START', 'COMPLETE', 'FAIL']) expect(matchesSchema(runEvent(eventType, randomUUID()))).toBe(true);
    expect(matchesSchema({ ...runEvent('START', randomUUID()), run: {} })).toBe(false);
  });

  it('turns START then COMPLETE into a workflow, a succeeded execution, assets and a data edge', async () => {
    const runId = randomUUID();
    const started = (await post(olga, runEvent('START', runId)).expect(200)).body.events[0];
    expect(started).toMatchObject({ runId, eventType: 'START', state: 'running', replayed: false });
    const completed = (await post(olga, runEvent('COMPLETE', runId, { eventTime: '2026-12-01T10:05:00.000Z' })).expect(200)).body.events[0];
    expect(completed).toMatchObject({ executionId: started.executionId, state: 'succeeded' });

    const execution = (await api().get(`/api/workflow-executions/${started.executionId}`).set(olga).expect(200)).body;
    expect(execution).toMatchObject({
      workflowName: 'airflow:__prod:orders_dag.load_orders',
      version: 1,
      state: 'succeeded',
      startedAt: '2026-12-01T10:00:00.000Z',
      completedAt: '2026-12-01T10:05:00.000Z',
    });
    const assets = (await api().get('/api/assets?assetType=dataset').set(olga).expect(200)).body.items
      .map((asset: { name: string }) => asset.name)
      .sort();
    expect(assets).toEqual(['postgres://db:5432/shop.public.orders', 's3://lake/orders/daily']);
    const orders = (await api().get('/api/assets?q=shop.public.orders').set(olga).expect(200)).body.items[0];
    const lineage = (await api().get(`/api/assets/${orders.id}/lineage?direction=downstream`).set(olga).expect(200)).body;
    expect(lineage.nodes.map((node: { name: string }) => node.name)).toEqual([
      'postgres://db:5432/shop.public.orders',
      's3://lake/orders/daily',
    ]);
    expect(lineage.edges).toHaveLength(1);
    // Nothing of it is another tenant's.
    expect((await api().get('/api/assets/count').set(other).expect(200)).body).toEqual({ count: 0 });
    await api().get(`/api/workflow-executions/${started.executionId}`).set(other).expect(404);
  });

  it('records a FAIL with the errorMessage facet, and an ABORT as cancelled', async () => {
    const failedRun = randomUUID();
    await post(olga, runEvent('START', failedRun)).expect(200);
    const failed = (
      await post(
        olga,
        runEvent('FAIL', failedRun, {
          eventTime: '2026-12-01T10:01:00.000Z',
          run: {
            runId: failedRun,
            facets: {
              errorMessage: { _producer: 'p', _schemaURL: 's', message: 'relation "orders" does not exist', programmingLanguage: 'SQL' },
            },
          },
        }),
      ).expect(200)
    ).body.events[0];
    expect((await api().get(`/api/workflow-executions/${failed.executionId}`).set(olga).expect(200)).body).toMatchObject({
      state: 'failed',
      errorMessage: 'relation "orders" does not exist',
    });

    const aborted = (await post(olga, runEvent('ABORT', randomUUID())).expect(200)).body.events[0];
    expect(aborted.state).toBe('cancelled');
  });

  it('applies a replayed event once, and ignores a late event of a finished run', async () => {
    const runId = randomUUID();
    const batch = [runEvent('START', runId), runEvent('COMPLETE', runId, { eventTime: '2026-12-01T10:09:00.000Z' })];
    const count = async () =>
      (await api().get('/api/workflow-executions/count?workflow=airflow:__prod:orders_dag.load_orders').set(olga).expect(200)).body
        .count as number;
    await post(olga, batch).expect(200);
    const before = await count();
    const replay = (await post(olga, batch).expect(200)).body.events;
    expect(replay.map((event: { replayed: boolean }) => event.replayed)).toEqual([true, true]);
    expect(await count()).toBe(before);
    const late = (await post(olga, runEvent('RUNNING', runId, { eventTime: '2026-12-01T10:10:00.000Z' })).expect(200)).body.events[0];
    expect(late.state).toBe('succeeded');
    expect(await count()).toBe(before);
  });

  it('writes a new workflow version when a job reports other datasets, moving its data edges', async () => {
    const runId = randomUUID();
    await post(olga, runEvent('COMPLETE', runId, { outputs: [{ namespace: 's3://lake', name: 'orders/hourly' }] })).expect(200);
    const workflow = (await api().get('/api/workflows/airflow:__prod:orders_dag.load_orders').set(olga).expect(200)).body;
    expect(workflow.version).toBe(2);
    const orders = (await api().get('/api/assets?q=shop.public.orders').set(olga).expect(200)).body.items[0];
    const downstream = (await api().get(`/api/assets/${orders.id}/lineage?direction=downstream`).set(olga).expect(200)).body.nodes.map(
      (node: { name: string }) => node.name,
    );
    expect(downstream).toEqual(['postgres://db:5432/shop.public.orders', 's3://lake/orders/hourly']);
  });

  it('refuses malformed events with a 400 naming the field, and a batch all or nothing', async () => {
    const missingRunId = (await post(olga, { ...runEvent('START', randomUUID()), run: {} }).expect(400)).body;
    expect(missingRunId).toMatchObject({ type: 'https://tessera.dev/problems/validation-failed', code: 'VALIDATION_FAILED' });
    expect(missingRunId.errors.map((error: { field: string }) => error.field)).toEqual(['run.runId']);
    const badType = (await post(olga, runEvent('FINISHED', randomUUID())).expect(400)).body;
    expect(badType.errors.map((error: { field: string }) => error.field)).toEqual(['eventType']);
    await post(olga, { ...runEvent('START', randomUUID()), eventTime: 'yesterday' }).expect(400);
    expect((await post(olga, []).expect(400)).body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'body' }] });
    // A JSON string, not an event (supertest would send a bare string as a form).
    await api().post('/api/lineage/events').set(olga).set('content-type', 'application/json').send('"START"').expect(400);

    const newRun = randomUUID();
    const batch = [
      runEvent('START', newRun, { job: { namespace: 'dbt://prod', name: 'model.never' } }),
      { ...runEvent('COMPLETE', newRun), job: { namespace: 'dbt://prod' } },
    ];
    const refused = (await post(olga, batch).expect(400)).body;
    expect(refused.errors.map((error: { field: string }) => error.field)).toEqual(['[1].job.name']);
    expect((await api().get('/api/workflows/dbt:__prod:model.never').set(olga).expect(404)).body.code).toBe('WORKFLOW_NOT_FOUND');
  });

  it('accepts producer-specific members the schema allows, ignoring them', async () => {
    const event = { ...runEvent('START', randomUUID()), customMember: { anything: true } };
    expect(matchesSchema(event)).toBe(true);
    await post(olga, event).expect(200);
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import { SchedulerRegistry } from '@nestjs/schedule';
import request from 'supertest';
import { AuditSealingJob } from '../../src/modules/audit/audit-sealing.job.js';
import { ClusterJobs } from '../../src/platform/jobs/cluster-jobs.js';
import { HOUR_MS } from '../../src/platform/jobs/job-outcome.js';
import { MetricsServer } from '../../src/platform/observability/metrics-server.js';
import { StorageUsageService } from '../../src/platform/storage-quota/storage-usage.js';
import { lockWaiters, waitFor } from '../support/lock-waiters.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { withAdminClient } from '../support/test-database.js';
import { bearer, tokenFor } from '../support/tokens.js';

const TOP_N = 3;
const USER_LIMIT = 3;

interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** The samples of one metric in Prometheus's text format. */
function samplesOf(text: string, name: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .map((line) => {
      const [, labelText = '', value] = /^[^{ ]+(?:\{(.*)\})? (\S+)$/.exec(line) ?? [];
      const labels = Object.fromEntries([...labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, text]) => [key, text]));
      return { labels, value: Number(value) };
    });
}

/** The sum of the samples whose labels include all of `labels`. */
function sumOf(text: string, name: string, labels: Record<string, string> = {}): number {
  return samplesOf(text, name)
    .filter((sample) => Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}

describe('Prometheus metrics on their own port', () => {
  let testApp: TestApp;
  let metricsUrl: string;
  beforeAll(async () => {
    testApp = await startTestApp({
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      METRICS_TENANT_TOP_N: String(TOP_N),
      RATE_LIMIT_PER_USER_PER_MINUTE: String(USER_LIMIT),
      // A pool of 2 and a share of one half: one unit of work per tenant at once, the next refused after 100 ms.
      DB_POOL_MAX: '2',
      DB_TENANT_POOL_SHARE: '0.5',
      DB_TENANT_QUEUE_TIMEOUT_MS: '100',
      TENANT_STORAGE_QUOTA_BYTES: '1024',
    });
    metricsUrl = `http://127.0.0.1:${testApp.app.get(MetricsServer).address?.port}`;
  });
  afterAll(() => testApp.close());

  const scrape = async () => {
    const response = await request(metricsUrl).get('/metrics').expect(200);
    expect(response.headers['content-type']).toContain('text/plain; version=0.0.4');
    return response.text;
  };
  const as = (tenant: string, sub = 'alice') => bearer(tokenFor({ tenant, sub }));

  it('counts requests by route template and status, never by raw URL, with duration buckets', async () => {
    const missing = randomUUID();
    await request(testApp.server).get('/api/tasks').set(as('acme')).expect(200);
    await request(testApp.server).get(`/api/tasks/${missing}`).set(as('acme')).expect(404);
    await request(testApp.server).get('/no/such/path').expect(404);

    const text = await scrape();
    expect(text).not.toContain(missing);
    expect(text).not.toContain('/no/such/path');
    const requests = 'http_server_requests_total';
    expect(sumOf(text, requests, { method: 'GET', route: '/api/tasks', status: '200' })).toBe(1);
    expect(sumOf(text, requests, { method: 'GET', route: '/api/tasks/:id', status: '404' })).toBe(1);
    expect(sumOf(text, requests, { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    const buckets = samplesOf(text, 'http_server_request_duration_seconds_bucket').filter(
      ({ labels }) => labels.route === '/api/tasks/:id' && labels.status === '404',
    );
    expect(buckets.map(({ labels }) => labels.le)).toEqual(expect.arrayContaining(['0.005', '0.1', '1', '10', '+Inf']));
    expect(buckets.find(({ labels }) => labels.le === '+Inf')?.value).toBe(1);
    expect(sumOf(text, 'http_server_request_duration_seconds_count', { route: '/api/tasks/:id' })).toBe(1);
    // Node's own metrics are on as well.
    expect(samplesOf(text, 'process_resident_memory_bytes')).toHaveLength(1);
  });

  it("counts refusals by reason: a user's rate limit, the tenant's pool share, its storage quota", async () => {
    const before = await scrape();
    const refusals = (text: string, reason: string) =>
      sumOf(text, 'tenant_rejections_total', { reason }) - sumOf(before, 'tenant_rejections_total', { reason });

    const chatty = as('chatty', 'chad');
    for (let sent = 0; sent < USER_LIMIT; sent++) await request(testApp.server).get('/api/tasks').set(chatty).expect(200);
    await request(testApp.server).get('/api/tasks').set(chatty).expect(429);

    const hoarder = as('hoarder', 'hana');
    await request(testApp.server)
      .post('/api/tasks')
      .set(hoarder)
      .send({ prompt: randomBytes(4_000).toString('base64') })
      .expect(201);
    await testApp.app.get(StorageUsageService).compact();
    await request(testApp.server).post('/api/tasks').set(hoarder).send({ prompt: 'one more' }).expect(507);

    const greedy = as('greedy', 'gus');
    const whileHeld = await withAdminClient(async (admin) => {
      await admin.query('begin');
      await admin.query('lock table tasks in access exclusive mode');
      const held = request(testApp.server)
        .get('/api/tasks')
        .set(greedy)
        .then((response) => response);
      try {
        await waitFor(async () => (await lockWaiters(admin, testApp.database.name)).length === 1);
        const refused = await request(testApp.server).get('/api/tasks').set(greedy);
        expect(refused.status).toBe(429);
        expect(refused.body.code).toBe('TENANT_SHARE_EXHAUSTED');
        return await scrape();
      } finally {
        await admin.query('rollback');
        expect((await held).status).toBe(200);
      }
    }, testApp.database.name);
    // The waiting request holds a pooled connection while it waits for the lock.
    expect(sumOf(whileHeld, 'db_pool_connections', { state: 'in_use' })).toBeGreaterThanOrEqual(1);
    expect(samplesOf(whileHeld, 'db_pool_connections').map(({ labels }) => labels.state)).toEqual(
      expect.arrayContaining(['in_use', 'idle', 'waiting']),
    );
    expect(sumOf(whileHeld, 'db_pool_max_connections')).toBe(2);

    const after = await scrape();
    expect(refusals(after, 'rate_limit')).toBe(1);
    expect(refusals(after, 'pool_share')).toBe(1);
    expect(refusals(after, 'storage_quota')).toBe(1);
  });

  it(`labels at most the ${TOP_N} busiest tenants by name and folds the others into "other"`, async () => {
    const tenants = Array.from({ length: 2 * TOP_N }, (_, index) => `crowd-${index}`);
    for (const tenant of tenants) await request(testApp.server).get('/api/dashboards').set(as(tenant)).expect(200);
    // The busiest tenant of this window comes last, after every label has been handed out.
    const busiest = 'crowd-busiest';
    for (let sent = 0; sent < USER_LIMIT; sent++) {
      await request(testApp.server)
        .get('/api/dashboards')
        .set(as(busiest, `user-${sent}`))
        .expect(200);
    }
    const tenantLabels = (text: string) => new Set(samplesOf(text, 'tenant_requests_total').map(({ labels }) => labels.tenant));

    const first = tenantLabels(await scrape());
    expect(first.size).toBeLessThanOrEqual(TOP_N + 1);
    expect(first).toContain('other');
    expect(first).not.toContain(busiest);

    await request(testApp.server).get('/api/dashboards').set(as(busiest)).expect(200);
    const second = await scrape();
    expect(tenantLabels(second).size).toBeLessThanOrEqual(TOP_N + 1);
    expect(sumOf(second, 'tenant_requests_total', { tenant: busiest })).toBe(1);
  });

  it('counts scheduled job runs by outcome, and when each last succeeded', async () => {
    const jobs = testApp.app.get(ClusterJobs);
    const startedAt = Date.now() / 1000;
    await jobs.runOncePerPeriod({ name: 'metrics-test-sweep', periodMs: HOUR_MS }, async () => undefined);
    await jobs.runOncePerPeriod({ name: 'metrics-test-sweep', periodMs: HOUR_MS }, async () => undefined);
    await jobs.runOncePerPeriod({ name: 'metrics-test-broken', periodMs: HOUR_MS }, async () => {
      throw new Error('broken on purpose');
    });

    const text = await scrape();
    expect(sumOf(text, 'jobs_runs_total', { job: 'metrics-test-sweep', outcome: 'ran' })).toBe(1);
    expect(sumOf(text, 'jobs_runs_total', { job: 'metrics-test-sweep', outcome: 'skipped' })).toBe(1);
    expect(sumOf(text, 'jobs_runs_total', { job: 'metrics-test-broken', outcome: 'failed' })).toBe(1);
    expect(sumOf(text, 'jobs_last_success_timestamp_seconds', { job: 'metrics-test-sweep' })).toBeGreaterThanOrEqual(Math.floor(startedAt));
    expect(samplesOf(text, 'jobs_last_success_timestamp_seconds').map(({ labels }) => labels.job)).not.toContain('metrics-test-broken');
  });

  it('reports how long the oldest audit entry has waited to be sealed, and 0 once sealing caught up', async () => {
    // The test seals by hand: the job's interval would race it.
    testApp.app.get(SchedulerRegistry).deleteInterval('audit-sealing');
    await request(testApp.server).post('/api/tasks').set(as('sealing-lag')).send({ prompt: 'audited' }).expect(201);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sumOf(await scrape(), 'audit_sealing_lag_seconds')).toBeGreaterThan(0);

    expect(await testApp.app.get(AuditSealingJob).run()).toBeGreaterThan(0);
    expect(samplesOf(await scrape(), 'audit_sealing_lag_seconds')).toEqual([{ labels: {}, value: 0 }]);
  });

  it('is not served on the API port, with or without a token, and serves nothing else on its own', async () => {
    for (const path of ['/metrics', '/api/metrics']) {
      await request(testApp.server).get(path).set(as('acme')).expect(404);
    }
    await request(metricsUrl).get('/api/tasks').expect(404);
    await request(metricsUrl).post('/metrics').expect(405);
  });
});

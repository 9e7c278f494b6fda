import request from 'supertest';
import { createDashboard } from '../support/dashboards.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

/** GET /api/audit-logs/stats: entries per bucket and action family, for the console's chart. */
describe('audit activity stats', () => {
  let testApp: TestApp;
  const tenant = 'stats-tenant';
  const admin = bearer(tokenFor({ tenant, sub: 'ada', roles: ['admin'] }));
  const user = bearer(tokenFor({ tenant, sub: 'ursula' }));
  const otherUser = bearer(tokenFor({ tenant: 'stats-elsewhere', sub: 'olga' }));
  const api = () => request(testApp.server);

  beforeAll(async () => {
    testApp = await startTestApp();
    for (const name of ['one', 'two']) {
      await createDashboard(testApp, user, { name });
    }
    // Another tenant's activity, which must not be counted.
    for (const name of ['x', 'y', 'z']) {
      await createDashboard(testApp, otherUser, { name });
    }
  });
  afterAll(() => testApp.close());

  it("counts the tenant's entries per hour by action family, every bucket of the range present", async () => {
    const { body } = await api().get('/api/audit-logs/stats').set(admin).expect(200);
    expect(body.bucket).toBe('hour');
    expect(new Date(body.to).getTime() - new Date(body.from).getTime()).toBe(24 * 3_600_000);
    expect(body.buckets.length).toBeGreaterThanOrEqual(24);
    const dashboards = body.buckets.reduce(
      (sum: number, slot: { counts: Record<string, number> }) => sum + (slot.counts.dashboard ?? 0),
      0,
    );
    expect(dashboards).toBe(2);
    expect(body.families).toContain('dashboard');
    const listed = await api().get('/api/audit-logs').query({ limit: 200, from: body.from, to: body.to }).set(admin).expect(200);
    expect(body.total).toBe(listed.body.items.length);
  });

  it('counts per day over an explicit range', async () => {
    const to = new Date(Date.now() + 86_400_000);
    const from = new Date(to.getTime() - 3 * 86_400_000);
    const { body } = await api()
      .get('/api/audit-logs/stats')
      .query({ bucket: 'day', from: from.toISOString(), to: to.toISOString() })
      .set(admin)
      .expect(200);
    expect(body.buckets.every((slot: { start: string }) => slot.start.endsWith('T00:00:00.000Z'))).toBe(true);
    expect(body.buckets.reduce((sum: number, slot: { counts: Record<string, number> }) => sum + (slot.counts.dashboard ?? 0), 0)).toBe(2);
  });

  it('is empty for a range without entries', async () => {
    const { body } = await api()
      .get('/api/audit-logs/stats')
      .query({ bucket: 'day', from: '2020-01-01T00:00:00Z', to: '2020-01-03T00:00:00Z' })
      .set(admin)
      .expect(200);
    expect(body).toMatchObject({ total: 0, families: [] });
    expect(body.buckets).toHaveLength(2);
  });

  it('caps the range per bucket width, and refuses an inverted range or an unknown bucket', async () => {
    const tooWide = await api()
      .get('/api/audit-logs/stats')
      .query({ bucket: 'hour', from: '2026-01-01T00:00:00Z', to: '2026-01-09T00:00:00Z' })
      .set(admin)
      .expect(400);
    expect(tooWide.body).toMatchObject({
      code: 'AUDIT_STATS_RANGE_TOO_WIDE',
      maxRangeDays: 7,
      detail: expect.stringMatching(/at most 7 days/),
    });
    await api()
      .get('/api/audit-logs/stats')
      .query({ bucket: 'day', from: '2026-01-01T00:00:00Z', to: '2026-06-01T00:00:00Z' })
      .set(admin)
      .expect(400);
    const inverted = await api()
      .get('/api/audit-logs/stats')
      .query({ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' })
      .set(admin)
      .expect(400);
    expect(inverted.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'from' }] });
    const bucket = await api().get('/api/audit-logs/stats').query({ bucket: 'minute' }).set(admin).expect(400);
    expect(JSON.stringify(bucket.body.errors)).toContain('bucket');
    await api().get('/api/audit-logs/stats').query({ from: 'yesterday' }).set(admin).expect(400);
  });

  it('is for administrators only', async () => {
    await api().get('/api/audit-logs/stats').set(user).expect(403);
    await api().get('/api/audit-logs/stats').expect(401);
  });
});

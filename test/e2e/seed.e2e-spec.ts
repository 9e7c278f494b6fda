import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

const ROOT = resolve('.');
const SEED = join(ROOT, 'dist/scripts/seed.js');

/** The built seed script against the test app's database (already migrated). */
async function seed(testApp: TestApp, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [SEED, ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'silent',
      DATABASE_URL: testApp.database.runtimeUrl,
      DATABASE_OWNER_URL: testApp.database.ownerUrl,
      DB_MIGRATE_ON_START: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

describe('npm run seed', () => {
  let testApp: TestApp;
  const api = () => request(testApp.server);
  const admin = bearer(tokenFor({ tenant: 'seed-acme', sub: 'demo-admin', roles: ['admin'] }));

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  it('fills the tenant with projects, tasks in every state, lessons, patterns, dashboards with widgets, and their audit entries', async () => {
    const first = await seed(testApp, ['--tenant', 'seed-acme']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain('Seeded tenant seed-acme as demo-admin');
    expect(first.stdout).toContain('npm run token -- --tenant seed-acme --sub demo-admin --roles admin');

    const projects = (await api().get('/api/projects').set(admin).expect(200)).body.items;
    expect(projects).toHaveLength(2);
    const byState = { pending: 1, running: 1, awaiting_approval: 1, completed: 1, failed: 1, cancelled: 1 };
    for (const [state, count] of Object.entries(byState)) {
      expect((await api().get(`/api/tasks/count?state=${state}`).set(admin).expect(200)).body.count).toBe(count);
    }
    expect((await api().get('/api/lessons/count').set(admin).expect(200)).body.count).toBe(3);
    expect((await api().get('/api/patterns/count').set(admin).expect(200)).body.count).toBe(2);
    expect((await api().get('/api/saved-queries/count').set(admin).expect(200)).body.count).toBe(1);
    const dashboards = (await api().get('/api/dashboards').set(admin).expect(200)).body.items;
    expect(dashboards.map((dashboard: { widgetCount: number }) => dashboard.widgetCount).sort()).toEqual([2, 3]);

    const audit = (await api().get('/api/audit-logs?limit=100').set(admin).expect(200)).body.items as Array<{
      actorId: string;
      userAgent: string | null;
      action: string;
    }>;
    expect(audit.length).toBeGreaterThan(20);
    expect(audit.every((entry) => entry.actorId === 'demo-admin' && entry.userAgent === 'tessera-seed')).toBe(true);
    expect(audit.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['project.create', 'task.create', 'task.transition', 'dashboard.create']),
    );
    // Another tenant sees none of it.
    const other = bearer(tokenFor({ tenant: 'seed-other', sub: 'eve', roles: ['admin'] }));
    expect((await api().get('/api/projects').set(other).expect(200)).body.items).toEqual([]);
  });

  it('adds nothing on a second run and says so', async () => {
    const auditBefore = (await api().get('/api/audit-logs?limit=100').set(admin).expect(200)).body.items.length;
    const second = await seed(testApp, ['--tenant', 'seed-acme']);
    expect(second).toMatchObject({ code: 0, stderr: '' });
    expect(second.stdout).toContain('already holds the demo');
    expect((await api().get('/api/projects').set(admin).expect(200)).body.items).toHaveLength(2);
    expect((await api().get('/api/tasks/count').set(admin).expect(200)).body.count).toBe(6);
    expect((await api().get('/api/audit-logs?limit=100').set(admin).expect(200)).body.items.length).toBe(auditBefore);
  });

  it('seeds as the --user given, and refuses without --tenant', async () => {
    const seeded = await seed(testApp, ['--tenant', 'seed-globex', '--user', 'grace']);
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toContain('--tenant seed-globex --sub grace --roles admin');
    const grace = bearer(tokenFor({ tenant: 'seed-globex', sub: 'grace', roles: ['admin'] }));
    const audit = (await api().get('/api/audit-logs?limit=5').set(grace).expect(200)).body.items as Array<{ actorId: string }>;
    expect(audit.every((entry) => entry.actorId === 'grace')).toBe(true);

    const refused = await seed(testApp, []);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe('Seeding failed: Usage: npm run seed -- --tenant <tenant id> [--user demo-admin]');
  });
});

import { EntityManager } from '@mikro-orm/postgresql';
import request from 'supertest';
import { TasksService } from '../../src/modules/tasks/tasks.service.js';
import { principalOf } from '../../src/platform/auth/principal.js';
import { TenantScope } from '../../src/platform/tenancy/tenant-scope.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

describe('tenant-scoped units of work', () => {
  let testApp: TestApp;
  let tenantScope: TenantScope;
  let tasks: TasksService;
  let em: EntityManager;

  beforeAll(async () => {
    testApp = await startTestApp();
    tenantScope = testApp.app.get(TenantScope);
    tasks = testApp.app.get(TasksService);
    em = testApp.app.get(EntityManager);
  });
  afterAll(() => testApp.close());

  it('refuses to run a module service outside any tenant scope', async () => {
    // Independent refusals: MikroORM's global EntityManager, and the tenant context asked for the
    // tenant to filter by or to stamp.
    const refusal = /global EntityManager|outside a tenant scope/;
    await expect(tasks.list({ limit: 10 })).rejects.toThrow(refusal);
    await expect(tasks.create({ prompt: 'unscoped' })).rejects.toThrow(refusal);
    await expect(tasks.get('0190a5a0-0000-7000-8000-000000000000')).rejects.toThrow(refusal);
  });

  it('lets an internal service act in-process as a tenant, with the guarantees of a request', async () => {
    const service = principalOf('in-process', 'indexer', ['service']);
    const created = await tenantScope.run(service, () => tasks.create({ prompt: 'nightly reindex' }));
    expect(created.userId).toBe('service:indexer');

    const seen = await request(testApp.server)
      .get(`/api/tasks/${created.id}`)
      .set(bearer(tokenFor({ tenant: 'in-process', sub: 'x' })));
    expect(seen.status).toBe(200);
    await request(testApp.server)
      .get(`/api/tasks/${created.id}`)
      .set(bearer(tokenFor({ tenant: 'elsewhere', sub: 'x' })))
      .expect(404);
  });

  it('opens each unit of work with the tenant and actor set for the database', async () => {
    const settings = await tenantScope.run(principalOf('acme', 'alice', []), () =>
      em.execute("select current_setting('app.tenant_id', true) as tenant, current_setting('app.actor_id', true) as actor"),
    );
    expect(settings).toEqual([{ tenant: 'acme', actor: 'alice' }]);
  });

  it('runs a unit of work opened inside another as a transaction of its own', async () => {
    const settingsNow = () => em.execute("select current_setting('app.tenant_id', true) as tenant, pg_current_xact_id()::text as xact");
    const [outerBefore, inner, outerAfter] = await tenantScope.run(principalOf('outer', 'alice', []), async () => {
      const before = await settingsNow();
      const nested = await tenantScope.run(principalOf('inner', 'bob', []), async () => {
        const task = await tasks.create({ prompt: 'nested' });
        return { settings: await settingsNow(), listed: (await tasks.list({ limit: 10 })).items.map(({ id }) => id), taskId: task.id };
      });
      return [before[0], nested, (await settingsNow())[0]];
    });
    expect(inner.settings[0].tenant).toBe('inner');
    expect(inner.settings[0].xact).not.toBe(outerBefore.xact);
    expect(inner.listed).toEqual([inner.taskId]);
    expect(outerAfter).toEqual(outerBefore);
    const outerTasks = await tenantScope.run(principalOf('outer', 'alice', []), () => tasks.list({ limit: 10 }));
    expect(outerTasks.items).toEqual([]);
  });

  it('sets the timeouts of each unit of work in its transaction, shorter for expensive reads', async () => {
    const timeouts = (expensive: boolean) =>
      tenantScope.run(
        principalOf('acme', 'alice', []),
        () => em.execute("select current_setting('statement_timeout') as statement, current_setting('lock_timeout') as lock"),
        undefined,
        { expensive },
      );
    expect(await timeouts(false)).toEqual([{ statement: '10s', lock: '5s' }]);
    expect(await timeouts(true)).toEqual([{ statement: '3s', lock: '5s' }]);
  });

  it('rolls the whole unit of work back when it fails', async () => {
    const principal = principalOf('rollback', 'alice', []);
    await expect(
      tenantScope.run(principal, async () => {
        await tasks.create({ prompt: 'will be rolled back' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const page = await tenantScope.run(principal, () => tasks.list({ limit: 10 }));
    expect(page.items).toEqual([]);
  });

  it('keeps concurrent requests of different tenants apart', async () => {
    const tenants = ['t-red', 't-green', 't-blue'];
    await Promise.all(
      tenants.flatMap((tenant) =>
        Array.from({ length: 10 }, (_, i) =>
          request(testApp.server)
            .post('/api/tasks')
            .set(bearer(tokenFor({ tenant, sub: 'u' })))
            .send({ prompt: `${tenant} ${i}` })
            .expect(201),
        ),
      ),
    );
    const pages = await Promise.all(
      tenants.flatMap((tenant) =>
        Array.from({ length: 10 }, () =>
          request(testApp.server)
            .get('/api/tasks?limit=200')
            .set(bearer(tokenFor({ tenant, sub: 'u' }))),
        ),
      ),
    );
    pages.forEach((page, index) => {
      const tenant = tenants[Math.floor(index / 10)];
      expect(page.body.items).toHaveLength(10);
      expect(page.body.items.every((task: { prompt: string }) => task.prompt.startsWith(`${tenant} `))).toBe(true);
    });
  });
});

import { get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import request from 'supertest';
import { AuditRetentionJob } from '../../src/modules/audit/audit-retention.job.js';
import { CreateLessonDto } from '../../src/modules/lessons/dto/create-lesson.dto.js';
import { LessonsService } from '../../src/modules/lessons/lessons.service.js';
import { principalOf } from '../../src/platform/auth/principal.js';
import { TenantScope } from '../../src/platform/tenancy/tenant-scope.js';
import { SALES_QUERY } from '../support/dashboards.js';
import { tenantTablesWithout } from '../support/tenant-tables.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { createTestDatabase, withAdminClient, withOwnerClient } from '../support/test-database.js';
import { bearer, tokenFor } from '../support/tokens.js';

type Headers = Record<string, string>;
interface Entry {
  id: string;
  actorId: string;
  actorRoles: string[];
  action: string;
  resourceType: string;
  resourceId: string | null;
  details: { changes?: Record<string, { before: unknown; after: unknown }> } & Record<string, unknown>;
  requestId: string | null;
  ipAddress: string | null;
  userAgent: string | null;
  createdAt: string;
}

describe('audit trail', () => {
  let testApp: TestApp;
  const tenant = 'audited';
  const user = bearer(tokenFor({ tenant, sub: 'ursula' }));
  const admin = bearer(tokenFor({ tenant, sub: 'ada', roles: ['admin'] }));
  const service = bearer(tokenFor({ tenant, sub: 'planner', roles: ['service'] }));
  const otherAdmin = bearer(tokenFor({ tenant: 'elsewhere', sub: 'eve', roles: ['admin'] }));
  const api = () => request(testApp.server);
  const asOwner = <T>(work: (owner: pg.Client) => Promise<T>) => withOwnerClient(testApp.database, work);

  /** Every entry of the tenant, newest first, through the paginated API. */
  async function allEntries(as: Headers = admin, filters: Record<string, string> = {}): Promise<Entry[]> {
    const entries: Entry[] = [];
    let cursor: string | undefined;
    do {
      const page = await api()
        .get('/api/audit-logs')
        .query({ limit: 200, ...filters, ...(cursor && { cursor }) })
        .set(as)
        .expect(200);
      entries.push(...page.body.items);
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    return entries;
  }

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  describe('capture', () => {
    it('is attached to every table with tenant data, so no write path escapes it', async () => {
      const unaudited = await tenantTablesWithout('audit_capture', testApp.database.name);
      // The trail itself, dashboard history (written only by audited dashboard changes), stored
      // replies of idempotent requests (a cache of responses, not data), the lessons' word dictionary
      // and its trigrams, and the storage account (both derived from the other tables by their triggers).
      expect(unaudited).toEqual([
        'audit_entries',
        'dashboard_versions',
        'idempotency_keys',
        'lesson_lexeme_trigrams',
        'lesson_lexemes',
        'tenant_storage',
        'tenant_storage_deltas',
      ]);
    });

    /** Each step: one request, and the entries it must leave (resource ids resolved after the run). */
    interface Expected {
      actor: string;
      action: string;
      resourceType: string;
      resourceId: () => string;
    }
    const expected: Expected[] = [];
    const ids: Record<string, string> = {};
    const expect1 = (actor: string, action: string, resourceId: () => string) =>
      expected.push({ actor, action, resourceType: action.split('.')[0], resourceId });

    beforeAll(async () => {
      const upstream = await api().post('/api/tasks').set(user).set('User-Agent', 'workload/1.0').send({ prompt: 'upstream' }).expect(201);
      ids.upstream = upstream.body.id;
      expect1('ursula', 'task.create', () => ids.upstream);

      const task = await api()
        .post('/api/tasks')
        .set(user)
        .send({ prompt: 'build it', dependsOn: [ids.upstream] })
        .expect(201);
      ids.task = task.body.id;
      expect1('ursula', 'task.create', () => ids.task);
      expect1('ursula', 'task_dependency.create', () => ids[`edge:${ids.upstream}`]);

      await api()
        .patch(`/api/tasks/${ids.task}`)
        .set(user)
        .send({ prompt: 'build it well', metadata: { priority: 1 } })
        .expect(200);
      expect1('ursula', 'task.update', () => ids.task);

      // Replacing the dependencies writes only the edge that changed.
      const second = await api().post('/api/tasks').set(user).send({ prompt: 'second upstream' }).expect(201);
      ids.second = second.body.id;
      expect1('ursula', 'task.create', () => ids.second);
      await api()
        .patch(`/api/tasks/${ids.task}`)
        .set(user)
        .send({ dependsOn: [ids.second, ids.upstream] })
        .expect(200);
      expect1('ursula', 'task_dependency.create', () => ids[`edge:${ids.second}`]);

      await api().post(`/api/tasks/${ids.task}/transitions`).set(user).send({ to: 'running' }).expect(409); // blocked: no entry
      await api().post(`/api/tasks/${ids.upstream}/transitions`).set(service).send({ to: 'cancelled' }).expect(200);
      expect1('service:planner', 'task.transition', () => ids.upstream);

      const lesson = await api()
        .post('/api/lessons')
        .set(user)
        .send({ category: 'testing', title: 'Audit everything', summary: 'Every change leaves an entry.' })
        .expect(201);
      ids.lesson = lesson.body.id;
      expect1('ursula', 'lesson.create', () => ids.lesson);
      await api().post(`/api/lessons/${ids.lesson}/applications`).set(service).send({ success: true }).expect(200);
      expect1('service:planner', 'lesson.apply', () => ids.lesson);
      await api().put(`/api/lessons/${ids.lesson}/validation`).set(admin).expect(200);
      expect1('ada', 'lesson.validate', () => ids.lesson);
      await api().patch(`/api/lessons/${ids.lesson}`).set(user).send({ title: null }).expect(400); // refused: no entry

      const pattern = await api()
        .post('/api/patterns')
        .set(service)
        .send({ type: 'retry', pattern: { after: 'timeout' } })
        .expect(201);
      ids.pattern = pattern.body.id;
      expect1('service:planner', 'pattern.create', () => ids.pattern);
      await api()
        .post('/api/patterns')
        .set(service)
        .send({ type: 'retry', pattern: { after: 'timeout' } })
        .expect(200);
      expect1('service:planner', 'pattern.update', () => ids.pattern);
      await api().delete(`/api/patterns/${ids.pattern}`).set(admin).expect(204);
      expect1('ada', 'pattern.delete', () => ids.pattern);

      // An internal service calling a module's API in process: same unit of work, same trail.
      await testApp.app
        .get(TenantScope)
        .run(principalOf(tenant, 'nightly', ['service']), () => testApp.app.get(LessonsService).recordApplication(ids.lesson, false));
      expect1('service:nightly', 'lesson.apply', () => ids.lesson);

      await api().delete(`/api/lessons/${ids.lesson}`).set(user).expect(204);
      expect1('ursula', 'lesson.delete', () => ids.lesson);

      // Dashboards, widgets, configs, saved queries and the schema configuration.
      const saved = await api().post('/api/saved-queries').set(user).send({ name: 'Sales', query: SALES_QUERY }).expect(201);
      ids.savedQuery = saved.body.id;
      expect1('ursula', 'saved_query.create', () => ids.savedQuery);
      await api().put('/api/schema-config').set(admin).send({ tables: [] }).expect(200);
      expect1('ada', 'schema_config.create', () => ids.schemaConfig);
      const dashboard = await api().post('/api/dashboards').set(user).send({ name: 'Revenue' }).expect(201);
      ids.dashboard = dashboard.body.id;
      expect1('ursula', 'dashboard.create', () => ids.dashboard);
      const widget = await api()
        .post(`/api/dashboards/${ids.dashboard}/widgets`)
        .set(user)
        .send({ type: 'bar_chart', title: 'By region', query: SALES_QUERY, position: { x: 0, y: 0, w: 6, h: 4 } })
        .expect(201);
      ids.widget = widget.body.id;
      expect1('ursula', 'widget.create', () => ids.widget);
      expect1('ursula', 'dashboard.update', () => ids.dashboard); // every widget change is a new dashboard version
      expect1('ursula', 'dashboard_widget_list.create', () => ids.emptyList); // the version it replaced: no widgets yet
      await api()
        .patch(`/api/dashboards/${ids.dashboard}/layout`)
        .set(user)
        .send([{ widgetId: ids.widget, position: { x: 6, y: 0, w: 6, h: 4 } }])
        .expect(200);
      expect1('ursula', 'widget.update', () => ids.widget);
      expect1('ursula', 'dashboard.update', () => ids.dashboard);
      expect1('ursula', 'dashboard_widget_list.create', () => ids.widgetList);
      expect1('ursula', 'dashboard_widget_content.create', () => ids.widgetContent);
      await api().patch(`/api/dashboards/${ids.dashboard}`).set(user).set('If-Match', '"1"').send({ name: 'Stale' }).expect(412); // no entry
      await api()
        .put(`/api/dashboards/${ids.dashboard}/config`)
        .set(user)
        .send({ theme: { mode: 'dark' } })
        .expect(200);
      expect1('ursula', 'dashboard_config.create', () => ids.dashboardConfig);
      await api().delete(`/api/dashboards/${ids.dashboard}`).set(user).expect(204);
      expect1('ursula', 'dashboard.trash', () => ids.dashboard);
      await api().post(`/api/dashboards/${ids.dashboard}/restore`).set(user).expect(200);
      expect1('ursula', 'dashboard.restore', () => ids.dashboard);

      // Another tenant's work never shows up here.
      await api().post('/api/tasks').set(otherAdmin).send({ prompt: 'not yours' }).expect(201);
    });

    it('has exactly one entry per acknowledged change, with its actor, action and resource', async () => {
      const entries = (await allEntries()).filter((entry) => entry.action !== 'access.denied');
      ids.schemaConfig = entries.find((entry) => entry.action === 'schema_config.create')?.resourceId ?? 'missing';
      ids.dashboardConfig = entries.find((entry) => entry.action === 'dashboard_config.create')?.resourceId ?? 'missing';
      [ids.widgetList, ids.emptyList] = entries
        .filter((entry) => entry.action === 'dashboard_widget_list.create')
        .map((entry) => entry.resourceId ?? 'missing');
      ids.widgetContent = entries.find((entry) => entry.action === 'dashboard_widget_content.create')?.resourceId ?? 'missing';
      for (const edge of entries.filter((entry) => entry.action === 'task_dependency.create')) {
        ids[`edge:${edge.details.changes?.dependsOnId.after as string}`] = edge.resourceId!;
      }
      const summary = (list: { actor: string; action: string; resourceType: string; resourceId: string }[]) =>
        list.map((entry) => `${entry.actor} ${entry.action} ${entry.resourceType}/${entry.resourceId}`).sort();
      expect(summary(entries.map((entry) => ({ ...entry, actor: entry.actorId, resourceId: entry.resourceId ?? '' })))).toEqual(
        summary(expected.map((entry) => ({ ...entry, resourceId: entry.resourceId() }))),
      );
    });

    it('records the changed fields with before and after, the roles and the request origin', async () => {
      const [update] = await allEntries(admin, { action: 'task.update' });
      expect(update.details.changes).toEqual({
        prompt: { before: 'build it', after: 'build it well' },
        metadata: { before: {}, after: { priority: 1 } },
      });
      const [transition] = await allEntries(admin, { action: 'task.transition' });
      expect(transition).toMatchObject({ actorRoles: ['service'], ipAddress: expect.any(String) });
      expect(transition.details.changes?.state).toEqual({ before: 'pending', after: 'cancelled' });
      const [created] = await allEntries(admin, { resourceId: ids.upstream, action: 'task.create' });
      expect(created.userAgent).toBe('workload/1.0');
      expect(created.details.changes).toMatchObject({
        prompt: { before: null, after: 'upstream' },
        state: { before: null, after: 'pending' },
      });
      const [deleted] = await allEntries(admin, { action: 'lesson.delete' });
      expect(deleted.details.changes).toMatchObject({ title: { before: 'Audit everything', after: null } });
      expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab]/); // time-ordered (UUIDv7)
      expect(created.requestId).toEqual(expect.any(String));
      expect((await allEntries(admin, { requestId: created.requestId! })).map((entry) => entry.id)).toEqual([created.id]);
      const inProcess = (await allEntries(admin, { actorId: 'service:nightly' }))[0];
      expect(inProcess).toMatchObject({ requestId: null, ipAddress: null, action: 'lesson.apply' });
    });

    it('summarises large values instead of copying them', async () => {
      const content = 'x'.repeat(50_000);
      const artifact = await api()
        .post(`/api/tasks/${ids.task}/artifacts`)
        .set(user)
        .send({ type: 'code', path: 'big.txt', content })
        .expect(201);
      const [entry] = await allEntries(admin, { resourceId: artifact.body.id });
      expect(entry.action).toBe('task_artifact.create');
      expect(entry.details.changes?.content.after).toEqual({
        summarized: true,
        bytes: 50_002,
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(JSON.stringify(entry).length).toBeLessThan(5_000);
    });

    it('leaves no entry for a change that rolled back', async () => {
      const before = (await allEntries()).length;
      const lessons = testApp.app.get(LessonsService);
      await expect(
        testApp.app.get(TenantScope).run(principalOf(tenant, 'ursula', []), async () => {
          await lessons.create(
            Object.assign(new CreateLessonDto(), { category: 'testing', title: 'Rolled back', summary: 'never committed' }),
          );
          throw new Error('abort after the write');
        }),
      ).rejects.toThrow('abort after the write');
      expect((await allEntries()).length).toBe(before);
    });
  });

  describe('access', () => {
    it('answers 403 to non-admins and records the refusal as access.denied', async () => {
      const refused = await api().get('/api/audit-logs').set(user).set('User-Agent', 'curious/2.0').expect(403);
      await api().get('/api/audit-logs/verify').set(service).expect(403);
      const denials = await allEntries(admin, { action: 'access.denied' });
      const denial = denials.find((entry) => entry.requestId === refused.body.requestId);
      expect(denial).toMatchObject({
        actorId: 'ursula',
        resourceType: 'access',
        userAgent: 'curious/2.0',
        details: { method: 'GET', path: '/api/audit-logs' },
      });
      expect(denials.some((entry) => entry.actorId === 'service:planner' && entry.details.path === '/api/audit-logs/verify')).toBe(true);
    });

    it('never shows another tenant its entries, by any route or filter', async () => {
      const [entry] = await allEntries(admin, { action: 'task.' });
      await api().get(`/api/audit-logs/${entry.id}`).set(admin).expect(200);
      expect((await api().get(`/api/audit-logs/${entry.id}`).set(otherAdmin).expect(404)).body.code).toBe('AUDIT_ENTRY_NOT_FOUND');
      const theirs = await allEntries(otherAdmin);
      expect(theirs.map((item) => item.action)).toEqual(['task.create']);
      expect(await allEntries(otherAdmin, { resourceId: entry.resourceId! })).toEqual([]);
      expect(await allEntries(otherAdmin, { actorId: 'ursula' })).toEqual([]);
      const exported = await api().get('/api/audit-logs/export').set(otherAdmin).expect(200);
      // Their task, and their export itself (recorded before it streams).
      expect(
        exported.text
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line).action),
      ).toEqual(['audit_log.export', 'task.create']);
      expect((await api().get('/api/audit-logs/verify').set(otherAdmin).expect(200)).body).toEqual({
        ok: true,
        checked: 2,
        unsealed: 0,
        complete: true,
      });
    });
  });

  describe('queries', () => {
    it('filters by action prefix, resource, actor and time range, newest first', async () => {
      const all = await allEntries();
      const times = all.map((entry) => Date.parse(entry.createdAt));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      const lessonEntries = await allEntries(admin, { action: 'lesson.' });
      expect(lessonEntries.length).toBeGreaterThan(0);
      expect(lessonEntries.every((entry) => entry.action.startsWith('lesson.'))).toBe(true);
      expect(await allEntries(admin, { action: 'lesson' })).toEqual([]); // exact: no action is just "lesson"
      const tasks = await allEntries(admin, { resourceType: 'task' });
      expect(new Set(tasks.map((entry) => entry.resourceType))).toEqual(new Set(['task']));
      const oldest = all.at(-1)!;
      const newest = all[0];
      expect((await allEntries(admin, { to: oldest.createdAt })).length).toBe(0);
      const inRange = await allEntries(admin, { from: oldest.createdAt, to: newest.createdAt });
      expect(inRange.length).toBe(all.filter((entry) => entry.createdAt < newest.createdAt).length);
    });

    it('counts what the list with the same filters holds, for admins of the tenant only', async () => {
      const count = async (filters: Record<string, string>, as: Headers = admin) =>
        ((await api().get('/api/audit-logs/count').query(filters).set(as).expect(200)).body as { count: number }).count;
      const all = await allEntries();
      const oldest = all.at(-1)!;
      const newest = all[0];
      const withRequest = all.find((entry) => entry.requestId !== null)!;
      for (const filters of [
        {},
        { action: 'lesson.' },
        { action: 'task.create' },
        { action: 'lesson' },
        { resourceType: 'task' },
        { resourceType: 'task', resourceId: all.find((entry) => entry.resourceType === 'task')!.resourceId! },
        { actorId: 'ursula' },
        { actorId: 'ursula', action: 'task.' },
        { requestId: withRequest.requestId! },
        { from: oldest.createdAt, to: newest.createdAt },
        { to: oldest.createdAt },
      ] as Record<string, string>[]) {
        expect({ filters, count: await count(filters) }).toEqual({ filters, count: (await allEntries(admin, filters)).length });
      }
      expect(await count({})).toBe(all.length);
      // Another tenant's admin counts their own entries only, whatever the filter.
      expect(await count({}, otherAdmin)).toBe((await allEntries(otherAdmin)).length);
      expect(await count({ actorId: 'ursula' }, otherAdmin)).toBe(0);
      expect(await count({ requestId: withRequest.requestId! }, otherAdmin)).toBe(0);
      // Like the list: 403 for others (recorded as access.denied), 400 naming a bad or paging parameter.
      await api().get('/api/audit-logs/count').set(user).expect(403);
      await api().get('/api/audit-logs/count').set(service).expect(403);
      for (const [query, field] of [
        ['limit=5', 'limit'],
        ['cursor=abc', 'cursor'],
        ['action=Task', 'action'],
        ['from=yesterday', 'from'],
        ['format=csv', 'format'],
      ]) {
        const response = await api().get(`/api/audit-logs/count?${query}`).set(admin).expect(400);
        expect(JSON.stringify(response.body)).toContain(field);
      }
    });

    it('pages with a cursor and without overlap', async () => {
      const all = await allEntries();
      const first = await api().get('/api/audit-logs').query({ limit: 3 }).set(admin).expect(200);
      const second = await api().get('/api/audit-logs').query({ limit: 3, cursor: first.body.nextCursor }).set(admin).expect(200);
      expect([...first.body.items, ...second.body.items].map((entry: Entry) => entry.id)).toEqual(all.slice(0, 6).map((entry) => entry.id));
    });

    it.each([[{ action: 'DROP TABLE' }], [{ from: 'yesterday' }], [{ limit: '0' }], [{ cursor: 'nope' }], [{ format: 'xml' }]])(
      'refuses a bad filter %j with a problem response',
      async (query) => {
        const path = 'format' in query ? '/api/audit-logs/export' : '/api/audit-logs';
        const response = await api().get(path).query(query).set(admin).expect(400);
        expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      },
    );

    it('exports CSV with a header and RFC 4180 escaping, and NDJSON', async () => {
      await api()
        .post('/api/tasks')
        .set(bearer(tokenFor({ tenant, sub: '=cmd|"quoted", name' })))
        .send({ prompt: 'odd actor' })
        .expect(201);
      const csv = await api().get('/api/audit-logs/export').query({ format: 'csv', action: 'task.create' }).set(admin).expect(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      const lines = csv.text.split('\r\n');
      expect(lines[0]).toBe(
        'id,createdAt,actorId,actorRoles,action,resourceType,resourceId,details,ipAddress,userAgent,requestId,chain,chainSeq,prevHash,hash',
      );
      expect(lines[1]).toContain(`,"'=cmd|""quoted"", name",[],task.create,task,`);
      const ndjson = await api().get('/api/audit-logs/export').query({ action: 'task.create' }).set(admin).expect(200);
      const rows = ndjson.text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Entry);
      expect(rows.map((row) => row.id)).toEqual((await allEntries(admin, { action: 'task.create' })).map((entry) => entry.id));
      const exports = await allEntries(admin, { action: 'audit_log.export' });
      expect(exports.map((entry) => [entry.actorId, entry.details.format])).toEqual([
        ['ada', 'ndjson'],
        ['ada', 'csv'],
      ]);
    });
  });

  describe('append-only and tamper-evident', () => {
    it('refuses UPDATE and DELETE as the runtime role and as the owner', async () => {
      const runtime = new pg.Client({ connectionString: testApp.database.runtimeUrl });
      await runtime.connect();
      try {
        await runtime.query(`select set_config('app.tenant_id', '${tenant}', false)`);
        await expect(runtime.query(`update audit_entries set action = 'x'`)).rejects.toThrow(/permission denied/);
        await expect(runtime.query('delete from audit_entries')).rejects.toThrow(/permission denied/);
      } finally {
        await runtime.end();
      }
      await asOwner(async (owner) => {
        await owner.query(`select set_config('app.tenant_id', '${tenant}', false)`);
        await expect(owner.query(`update audit_entries set action = 'x'`)).rejects.toThrow(/append-only/);
        await expect(owner.query('delete from audit_entries')).rejects.toThrow(/append-only/);
        await expect(owner.query('truncate audit_entries')).rejects.toThrow(/append-only/);
      });
      expect((await api().get('/api/audit-logs/verify').set(admin).expect(200)).body.ok).toBe(true);
    });

    it('seals every entry of concurrent writers of one tenant exactly once, the chain intact', async () => {
      await Promise.all(
        Array.from({ length: 40 }, (_, index) =>
          api()
            .post('/api/tasks')
            .set(user)
            .send({ prompt: `parallel ${index}` })
            .expect(201),
        ),
      );
      const report = (await api().get('/api/audit-logs/verify').set(admin).expect(200)).body;
      expect(report).toEqual({ ok: true, checked: (await allEntries()).length, unsealed: 0, complete: true });
      const positions = await asOwner(async (owner) => {
        await owner.query(`select set_config('app.tenant_id', '${tenant}', false)`);
        return (
          await owner.query(
            'select count(*)::int as entries, count(distinct (chain, chain_seq))::int as positions from audit_entries where tenant_id = $1',
            [tenant],
          )
        ).rows[0];
      });
      expect(positions.positions).toBe(positions.entries);
    });

    it('never makes a writer wait for a chain, however many write at once (no deadlock with their own locks)', async () => {
      const writers = await Promise.all(
        Array.from({ length: 24 }, async () => {
          const client = new pg.Client({ connectionString: testApp.database.runtimeUrl });
          await client.connect();
          return client;
        }),
      );
      try {
        // All 24 transactions stay open, each holding its chain, while the next one records.
        for (const [index, writer] of writers.entries()) {
          await writer.query('begin');
          await writer.query(`select set_config('app.tenant_id', $1, true), set_config('app.actor_id', 'writer-' || $2, true)`, [
            tenant,
            index,
          ]);
          await writer.query(
            `insert into patterns (id, tenant_id, type, pattern, frequency, last_seen, created_at)
            values (gen_random_uuid(), $1, 'parallel', jsonb_build_object('writer', $2::int), 1, now(), now())`,
            [tenant, index],
          );
        }
        await Promise.all(writers.map((writer) => writer.query('commit')));
      } finally {
        await Promise.all(writers.map((writer) => writer.end()));
      }
      const entries = await allEntries(admin, { action: 'pattern.create' });
      expect(entries.filter((entry) => entry.actorId.startsWith('writer-'))).toHaveLength(24);
      expect((await api().get('/api/audit-logs/verify').set(admin).expect(200)).body.ok).toBe(true);
    });

    it('verifies a time range, linking its first entries to their predecessors outside it', async () => {
      const all = await allEntries();
      const middle = all[Math.floor(all.length / 2)];
      const report = (await api().get('/api/audit-logs/verify').query({ from: middle.createdAt }).set(admin).expect(200)).body;
      expect(report).toEqual({
        ok: true,
        checked: all.filter((entry) => entry.createdAt >= middle.createdAt).length,
        unsealed: 0,
        complete: true,
      });
    });

    it.each([
      ['an altered entry', `update audit_entries set details = '{"changes": {}}' where id = $1`, 'does not match its hash'],
      [
        'a removed entry',
        `delete from audit_entries where id = (select id from audit_entries n where n.chain = (select chain from audit_entries where id = $1) and n.chain_seq < (select chain_seq from audit_entries where id = $1) order by n.chain_seq desc limit 1)`,
        'missing',
      ],
      ['a reordered entry', `update audit_entries set chain_seq = chain_seq + 1000000 where id = $1`, ''],
    ])('reports %s through verify', async (_name, tampering, problem) => {
      const database = await createTestDatabase();
      const local = await startTestApp({}, database);
      try {
        const localAdmin = bearer(tokenFor({ tenant: 't', sub: 'ada', roles: ['admin'] }));
        // Enough entries that the newest has several before it in its chain.
        for (let index = 0; index < 5; index++) {
          await request(local.server)
            .post('/api/tasks')
            .set(localAdmin)
            .send({ prompt: `p${index}` })
            .expect(201);
        }
        // Sealed first (verify seals): an entry is tamper-evident from its seal on.
        expect((await request(local.server).get('/api/audit-logs/verify').set(localAdmin).expect(200)).body.ok).toBe(true);
        const target = await withOwnerClient(database, async (owner) => {
          await owner.query(`select set_config('app.tenant_id', 't', false)`);
          // The newest entry of the busiest chain: one with a predecessor.
          const { rows } = await owner.query('select id from audit_entries order by chain_seq desc nulls last, created_at desc limit 1');
          await owner.query('alter table audit_entries disable trigger audit_entries_immutable');
          await owner.query(tampering, [rows[0].id]);
          await owner.query('alter table audit_entries enable trigger audit_entries_immutable');
          return rows[0].id as string;
        });
        const report = (await request(local.server).get('/api/audit-logs/verify').set(localAdmin).expect(200)).body;
        expect(report).toMatchObject({ ok: false, firstBrokenEntryId: target, problem: expect.stringContaining(problem) });
      } finally {
        await local.close();
        await database.drop();
      }
    });

    it('deletes entries past AUDIT_RETENTION_DAYS through the retention job, leaving a checkpoint that still verifies', async () => {
      const total = (await allEntries()).length;
      // Make the oldest ten entries 100 days old (bypassing the triggers as superuser): their hashes
      // break, but the retention job removes them and the rest of each chain must still verify.
      await withAdminClient(async (superuser) => {
        await superuser.query('set session_replication_role = replica');
        await superuser.query(
          `update audit_entries set created_at = created_at - interval '100 days'
          where id in (select id from audit_entries where tenant_id = $1 order by created_at, chain_seq limit 10)`,
          [tenant],
        );
      }, testApp.database.name);
      expect((await api().get('/api/audit-logs/verify').set(admin).expect(200)).body.ok).toBe(false);
      const withRetention = await startTestApp({ AUDIT_RETENTION_DAYS: '30' }, testApp.database);
      try {
        expect(await withRetention.app.get(AuditRetentionJob).run()).toBe(10);
      } finally {
        await withRetention.close();
      }
      const [checkpoint, ...rest] = await allEntries();
      expect(checkpoint).toMatchObject({ action: 'audit.retention', actorId: 'system:audit-retention', details: { removed: 10 } });
      expect(rest).toHaveLength(total - 10);
      expect((await api().get('/api/audit-logs/verify').set(admin).expect(200)).body).toEqual({
        ok: true,
        checked: total - 9,
        unsealed: 0,
        complete: true,
      });
      await api().post('/api/tasks').set(user).send({ prompt: 'after retention' }).expect(201);
      expect((await api().get('/api/audit-logs/verify').set(admin).expect(200)).body.ok).toBe(true);
    });

    it('refuses to start with AUDIT_RETENTION_DAYS but no owner connection', async () => {
      await expect(startTestApp({ AUDIT_RETENTION_DAYS: '30' }, { ...testApp.database, ownerUrl: '' })).rejects.toThrow(
        /DATABASE_OWNER_URL/,
      );
    });
  });

  describe('export at scale', () => {
    it('streams 100,000 entries as they are read', async () => {
      const bulkTenant = 'bulk';
      await withAdminClient(async (superuser) => {
        // Seeded without the sealing trigger (replica mode): this test is about streaming, not chains.
        await superuser.query(`set session_replication_role = replica`);
        await superuser.query(`
          insert into audit_entries (id, tenant_id, chain, chain_seq, hash, actor_id, actor_roles, action, resource_type, resource_id, details, created_at)
          select gen_random_uuid(), '${bulkTenant}', 0, g, sha256(g::text::bytea), 'loader', '{}', 'task.create', 'task', g::text,
            jsonb_build_object('changes', jsonb_build_object('prompt', jsonb_build_object('before', null, 'after', 'row ' || g))),
            now() - make_interval(secs => g)
          from generate_series(1, 100000) g`);
      }, testApp.database.name);
      const bulkAdmin = bearer(tokenFor({ tenant: bulkTenant, sub: 'ada', roles: ['admin'] }));
      await testApp.app.listen(0, '127.0.0.1');
      const started = Date.now();
      let firstByteAt = 0;
      let lines = 0;
      let tail = '';
      await new Promise<void>((resolve, reject) => {
        const url = `http://127.0.0.1:${(testApp.server.address() as AddressInfo).port}/api/audit-logs/export?format=csv`;
        get(url, { headers: bulkAdmin }, (response) => {
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            firstByteAt ||= Date.now();
            const parts = (tail + chunk).split('\r\n');
            tail = parts.pop()!;
            lines += parts.length;
          });
          response.on('end', resolve);
          response.on('error', reject);
        }).on('error', reject);
      });
      const total = Date.now() - started;
      expect(lines).toBe(1 + 100_000 + 1); // the header, the entries, and the export's own entry
      expect(tail).toBe('');
      // Written as read: the first rows leave long before the last are read.
      expect(firstByteAt - started).toBeLessThan(total / 4);
    });

    it('holds no database connection while a client is slow to read an export', async () => {
      const onePool = await startTestApp({ DB_POOL_MAX: '1' }, testApp.database);
      const bulkAdmin = bearer(tokenFor({ tenant: 'bulk', sub: 'ada', roles: ['admin'] }));
      try {
        await onePool.app.listen(0, '127.0.0.1');
        const port = (onePool.server.address() as AddressInfo).port;
        const stalled = await new Promise<IncomingMessage>((resolve, reject) => {
          get(`http://127.0.0.1:${port}/api/audit-logs/export`, { headers: bulkAdmin }, (response) => {
            response.once('data', () => {
              response.pause(); // and read no more: the server waits for the socket to drain
              resolve(response);
            });
          }).on('error', reject);
        });
        await new Promise((resolve) => setTimeout(resolve, 200));
        // The only pooled connection is free: another request is served at once.
        await request(onePool.server).get('/api/audit-logs?limit=1').set(bulkAdmin).timeout(3_000).expect(200);
        stalled.destroy();
      } finally {
        await onePool.close();
      }
    });
  });
});

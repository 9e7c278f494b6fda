import { AuditEntryRepository, type AuditEvent } from '../../src/modules/audit/audit-entry.repository.js';
import type { AuditEntryRow } from '../../src/modules/audit/audit-entry.view.js';
import { AuditRetentionRepository } from '../../src/modules/audit/audit-retention.repository.js';
import type { AuditFilterQuery } from '../../src/modules/audit/dto/list-audit-logs.query.js';
import type { Principal } from '../../src/platform/auth/principal.js';
import { TenantScope } from '../../src/platform/tenancy/tenant-scope.js';
import { newPrincipal, startTestContext, type TestContext } from '../support/test-context.js';
import { withOwnerClient } from '../support/test-database.js';

let t: TestContext;
let entries: AuditEntryRepository;

beforeAll(async () => {
  t = await startTestContext();
  entries = t.get(AuditEntryRepository);
});

afterAll(async () => {
  await t?.close();
});

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function event(action: string, details: Record<string, unknown> = {}): AuditEvent {
  return { action, resourceType: action.split('.')[0], details };
}

/** Every matching entry, newest first, `limit` at a time. */
async function allEntries(principal: Principal, filters: AuditFilterQuery = {}, limit = 50): Promise<AuditEntryRow[]> {
  const found: AuditEntryRow[] = [];
  let cursor: string | undefined;
  do {
    const page = await t.inTenant(principal, () => entries.page(filters, { limit, cursor }));
    expect(page.items.length).toBeLessThanOrEqual(limit);
    found.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return found;
}

describe('AuditEntryRepository', () => {
  it('adds an event that the database stamps with actor, origin and time, and the sealer links into the chain', async () => {
    const actor = newPrincipal(['admin']);
    await t.get(TenantScope).run(actor, () => entries.add(event('access.denied', { path: '/api/x' })), {
      requestId: 'req-1',
      ipAddress: '203.0.113.9',
      userAgent: 'spec',
    });
    const [entry] = await allEntries(actor);
    expect(entry).toMatchObject({
      tenantId: actor.tenantId,
      actorId: actor.actorId,
      actorRoles: ['admin'],
      action: 'access.denied',
      resourceType: 'access',
      resourceId: null,
      details: { path: '/api/x' },
      requestId: 'req-1',
      ipAddress: '203.0.113.9',
      userAgent: 'spec',
      chain: null,
      chainSeq: null,
      prevHash: null,
      hash: null,
    });
    expect(entry.createdAt).toMatch(ISO_INSTANT);
    expect(await t.inTenant(actor, () => entries.sealPending(true))).toBe(1);
    const sealed = await t.inTenant(actor, () => entries.byId(entry.id));
    expect(sealed).toEqual({ ...entry, chain: 0, chainSeq: '1', hash: expect.any(Buffer) });
    expect(await t.inTenant(newPrincipal(), () => entries.byId(entry.id))).toBeUndefined();
  });

  describe('lists and verification', () => {
    const admin = newPrincipal(['admin']);
    const other = newPrincipal([], admin.tenantId);
    const actions = ['task.create', 'task.transition', 'task_x.create', 'dashboard.update', 'task.create', 'pattern.create'];

    beforeAll(async () => {
      for (const [index, action] of actions.entries()) {
        await t
          .get(TenantScope)
          .run(index % 2 ? other : admin, () => entries.add(event(action, { index })), { requestId: `req-${index}`, ipAddress: '::1' });
      }
      await t.inTenant(newPrincipal(), () => entries.add(event('task.create')));
      await t.inTenant(admin, () => entries.sealPending(true));
    });

    const actionsOf = (rows: AuditEntryRow[]) => rows.map((row) => row.action);

    it("lists the tenant's entries newest first, paging without skipping or repeating", async () => {
      const whole = await allEntries(admin);
      expect(actionsOf(whole)).toEqual([...actions].reverse());
      expect(await allEntries(admin, {}, 4)).toEqual(whole);
      expect(await allEntries(admin, {}, 1)).toEqual(whole);
    });

    it.each<[string, AuditFilterQuery, string[]]>([
      ['an exact action', { action: 'task.create' }, ['task.create', 'task.create']],
      ['an action prefix, its underscore taken literally', { action: 'task.' }, ['task.create', 'task.transition', 'task.create']],
      ['a prefix with an underscore', { action: 'task_x.' }, ['task_x.create']],
      ['a resource type', { resourceType: 'dashboard' }, ['dashboard.update']],
      ['a request', { requestId: 'req-5' }, ['pattern.create']],
      ['a resource nobody touched', { resourceId: 'nothing' }, []],
    ])('filters by %s', async (_name, filters, oldestFirst) => {
      expect(actionsOf(await allEntries(admin, filters))).toEqual([...oldestFirst].reverse());
    });

    it('filters by actor and by time range (from inclusive, to exclusive)', async () => {
      const whole = (await allEntries(admin)).reverse();
      expect(actionsOf(await allEntries(admin, { actorId: other.actorId }))).toEqual([
        'pattern.create',
        'dashboard.update',
        'task.transition',
      ]);
      const from = new Date(whole[1].createdAt);
      const to = new Date(whole[4].createdAt);
      const inRange = await allEntries(admin, { from, to });
      expect(inRange.every((entry) => entry.createdAt >= whole[1].createdAt && entry.createdAt < whole[4].createdAt)).toBe(true);
      expect(inRange.map((entry) => entry.id)).toContain(whole[1].id);
      expect(inRange.map((entry) => entry.id)).not.toContain(whole[4].id);
    });

    it('finds where a bounded verification walk must stop', async () => {
      const oldestFirst = (await allEntries(admin)).reverse();
      expect(await t.inTenant(admin, () => entries.rangeEndAfter({}, 2))).toEqual(new Date(oldestFirst[2].createdAt));
      expect(await t.inTenant(admin, () => entries.rangeEndAfter({}, actions.length))).toBeUndefined();
      expect(await t.inTenant(newPrincipal(), () => entries.rangeEndAfter({}, 0))).toBeUndefined();
    });

    it("recomputes the tenant's chains, over all of them or a range", async () => {
      expect(await t.inTenant(admin, () => entries.checkChains({}))).toEqual({ checked: actions.length, broken: null });
      const oldestFirst = (await allEntries(admin)).reverse();
      const checkedFrom = await t.inTenant(admin, () => entries.checkChains({ from: new Date(oldestFirst[3].createdAt) }));
      expect(checkedFrom).toEqual({
        checked: oldestFirst.filter((entry) => entry.createdAt >= oldestFirst[3].createdAt).length,
        broken: null,
      });
      expect(await t.inTenant(newPrincipal(), () => entries.checkChains({}))).toEqual({ checked: 0, broken: null });
    });

    it('names the earliest altered entry', async () => {
      const [newest] = await allEntries(admin);
      await withOwnerClient(t.database, async (owner) => {
        await owner.query(`select set_config('app.tenant_id', $1, false)`, [admin.tenantId]);
        await owner.query('alter table audit_entries disable trigger audit_entries_immutable');
        await owner.query(`update audit_entries set details = '{"forged": true}' where id = $1`, [newest.id]);
        await owner.query('alter table audit_entries enable trigger audit_entries_immutable');
      });
      expect(await t.inTenant(admin, () => entries.checkChains({}))).toEqual({
        checked: actions.length,
        broken: { id: newest.id, problem: 'altered' },
      });
    });
  });
});

describe('AuditRetentionRepository', () => {
  it("deletes a tenant's entries before the cutoff and leaves a checkpoint the chains still verify from", async () => {
    const retention = t.get(AuditRetentionRepository);
    const admin = newPrincipal(['admin']);
    const neighbour = newPrincipal();
    for (let index = 0; index < 3; index++) await t.inTenant(admin, () => entries.add(event('task.create', { index })));
    await t.inTenant(neighbour, () => entries.add(event('task.create')));
    expect(await retention.tenantsWithATrail()).toEqual(expect.arrayContaining([admin.tenantId, neighbour.tenantId]));
    expect(await retention.applyRetention(admin.tenantId, new Date('2000-01-01T00:00:00.000Z'))).toBe(0);
    expect(await retention.applyRetention(admin.tenantId, new Date(Date.now() + 60_000))).toBe(3);
    const left = await allEntries(admin);
    expect(left.map((entry) => entry.action)).toEqual(['audit.retention']);
    expect(left[0]).toMatchObject({ actorId: 'system:audit-retention', details: { removed: 3 } });
    await t.inTenant(admin, () => entries.sealPending(true));
    expect(await t.inTenant(admin, () => entries.checkChains({}))).toEqual({ checked: 1, broken: null });
    expect(await allEntries(neighbour)).toHaveLength(1);
  });
});

import pg from 'pg';
import { AuditEntryRepository } from '../../src/modules/audit/audit-entry.repository.js';
import type { AuditFilterQuery } from '../../src/modules/audit/dto/list-audit-logs.query.js';
import type { Principal } from '../../src/platform/auth/principal.js';
import { captureStatements } from '../support/statement-capture.js';
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

/** EXPLAIN of the statements `work` sends, as the runtime role in the tenant's transaction (row-level security on). */
async function planOf(principal: Principal, work: () => Promise<unknown>): Promise<string> {
  const statements = await captureStatements(principal, () => t.inTenant(principal, work));
  const client = new pg.Client({ connectionString: t.database.runtimeUrl });
  await client.connect();
  try {
    await client.query('begin');
    await client.query("select set_config('app.tenant_id', $1, true)", [principal.tenantId]);
    const plans: string[] = [];
    for (const { text, values } of statements) {
      plans.push(
        (await client.query(`explain (costs off) ${text}`, values)).rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n'),
      );
    }
    await client.query('rollback');
    return plans.join('\n\n');
  } finally {
    await client.end();
  }
}

/**
 * `rows` patterns of the tenant written as the schema owner in one transaction per actor: each insert
 * leaves one sealed audit entry (pattern.create) of that actor and request.
 */
async function seedEntries(principal: Principal, actors: number, rows: number): Promise<void> {
  await withOwnerClient(t.database, async (client) => {
    for (let actor = 0; actor < actors; actor++) {
      await client.query('begin');
      await client.query(
        "select set_config('app.tenant_id', $1, true), set_config('app.actor_id', $2, true), set_config('app.request_id', $3, true)",
        [principal.tenantId, `actor-${actor}`, `request-${actor}`],
      );
      await client.query(
        `insert into patterns (id, tenant_id, type, agent_type, pattern, frequency, last_seen, created_at)
         select gen_random_uuid(), $1, 'type' || n, null, jsonb_build_object('actor', $3::int, 'n', n), 1, now(), now() from generate_series(1, $2) n`,
        [principal.tenantId, rows, actor],
      );
      await client.query('commit');
    }
  });
}

describe('AuditEntryRepository.countMatching', () => {
  const owner = newPrincipal(['admin']);
  const stranger = newPrincipal(['admin']);

  beforeAll(async () => {
    await seedEntries(owner, 3, 4);
    await seedEntries(stranger, 1, 5);
    await t.inTenant(owner, () => entries.add({ action: 'access.denied', resourceType: 'access', details: {} }));
  });

  const count = (principal: Principal, filters: AuditFilterQuery) => t.inTenant(principal, () => entries.countMatching(filters));

  it.each<[AuditFilterQuery, number]>([
    [{}, 13],
    [{ action: 'pattern.create' }, 12],
    [{ action: 'pattern.' }, 12],
    [{ action: 'access.' }, 1],
    [{ action: 'pattern' }, 0],
    [{ actorId: 'actor-1' }, 4],
    [{ requestId: 'request-2' }, 4],
    [{ resourceType: 'pattern', actorId: 'actor-0' }, 4],
    [{ from: new Date(Date.now() + 60_000) }, 0],
    [{ to: new Date(Date.now() + 60_000), action: 'access.denied' }, 1],
  ])('counts %j exactly, like the list', async (filters, expected) => {
    expect(await count(owner, filters)).toBe(expected);
    expect((await t.inTenant(owner, () => entries.page(filters, { limit: 200 }))).items).toHaveLength(expected);
  });

  it('never counts another tenant’s entries, by any filter', async () => {
    expect(await count(stranger, {})).toBe(5);
    expect(await count(stranger, { actorId: 'actor-1' })).toBe(0);
    expect(await count(stranger, { action: 'access.denied' })).toBe(0);
    expect(await count(newPrincipal(['admin']), {})).toBe(0);
  });

  /** The tenant a small part of the trail: each filter read from the tenant's range of its index, never the table. */
  it('reads the tenant’s range of the index its filters lead with', async () => {
    const small = newPrincipal(['admin']);
    await seedEntries(small, 4, 500);
    await seedEntries(newPrincipal(['admin']), 4, 5_000);
    await withOwnerClient(t.database, (client) => client.query('vacuum analyze audit_entries'));
    const cases: [AuditFilterQuery, RegExp][] = [
      // Index-only while the pages are all-visible; a bitmap of the same range once the sealing job has updated entries since the vacuum.
      [{}, /(Index Only Scan using|Bitmap Index Scan on) audit_entries_tenant_\w+_idx/],
      [{ actorId: 'actor-1' }, /audit_entries_tenant_actor_idx[\s\S]*Index Cond: \(\(tenant_id = .*\) AND \(actor_id = /],
      // Every entry of this tenant matches: any index leading with the tenant is as selective (plans vary).
      [{ action: 'pattern.create' }, /audit_entries_tenant_\w+_idx/],
      [{ requestId: 'request-3' }, /audit_entries_tenant_request_idx[\s\S]*AND \(request_id = /],
      [{ from: new Date(Date.now() - 1_000) }, /audit_entries_tenant_\w+_idx/],
      [{ action: 'pattern.', from: new Date(Date.now() - 86_400_000) }, /audit_entries_tenant_\w+_idx/],
    ];
    for (const [filters, index] of cases) {
      const plan = await planOf(small, () => entries.countMatching(filters));
      expect(plan).not.toMatch(/Seq Scan/);
      expect(plan).toContain(`tenant_id = '${small.tenantId}'::text`);
      expect({ filters, plan }).toEqual({ filters, plan: expect.stringMatching(index) });
    }
    expect(await t.inTenant(small, () => entries.countMatching({ actorId: 'actor-1' }))).toBe(500);
  }, 120_000);
});

import pg from 'pg';
import { SavedQueryRepository } from '../../src/modules/queries/saved-query.repository.js';
import type { Principal } from '../../src/platform/auth/principal.js';
import { principalOf } from '../../src/platform/auth/principal.js';
import { captureStatements } from '../support/statement-capture.js';
import { newPrincipal, startTestContext, type TestContext } from '../support/test-context.js';
import { withOwnerClient } from '../support/test-database.js';

let t: TestContext;
let savedQueries: SavedQueryRepository;

beforeAll(async () => {
  t = await startTestContext();
  savedQueries = t.get(SavedQueryRepository);
});

afterAll(async () => {
  await t?.close();
});

const QUERY = { tables: [{ table: 'orders' }], columns: [{ column: 'region' }] };

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

describe('SavedQueryRepository.countMatching', () => {
  const tenant = newPrincipal().tenantId;
  const cat = principalOf(tenant, 'cat', []);
  const col = principalOf(tenant, 'col', []);
  const stranger = principalOf(newPrincipal().tenantId, 'cat', []);

  beforeAll(async () => {
    await t.inTenant(cat, async () => {
      for (const name of ['Revenue', 'Revenue by week', '50%_off']) await savedQueries.add({ name, description: null, query: QUERY });
    });
    await t.inTenant(col, () => savedQueries.add({ name: 'Churn', description: null, query: QUERY }));
    await t.inTenant(stranger, () => savedQueries.add({ name: 'Revenue', description: null, query: QUERY }));
  });

  it.each([
    [{}, 4],
    [{ ownerId: 'cat' }, 3],
    [{ q: 'REVENUE' }, 2],
    [{ q: '%_' }, 1],
    [{ q: 'x%' }, 0],
    [{ ownerId: 'col', q: 'revenue' }, 0],
  ])('counts %j exactly, like the list', async (filters, expected) => {
    expect(await t.inTenant(cat, () => savedQueries.countMatching(filters))).toBe(expected);
    const listed = await t.inTenant(cat, () => savedQueries.page({ limit: 200, ...filters }));
    expect(listed.items).toHaveLength(expected);
  });

  it('never counts another tenant’s saved queries, even of the same owner id and name', async () => {
    expect(await t.inTenant(stranger, () => savedQueries.countMatching({}))).toBe(1);
    expect(await t.inTenant(stranger, () => savedQueries.countMatching({ ownerId: 'cat', q: 'revenue' }))).toBe(1);
    expect(await t.inTenant(newPrincipal(), () => savedQueries.countMatching({}))).toBe(0);
  });

  /**
   * On a table where the tenant is a small part: the tenant's index range, never the table. No index
   * serves ownerId (none on (tenant_id, owner_id)) and ilike is not leakproof (row-level security keeps
   * it out of any index): both filter the tenant's range.
   */
  it('reads the tenant’s range of an index, never the table', async () => {
    const small = principalOf(newPrincipal().tenantId, 'owner-1', []);
    const seed = (principal: Principal, rows: number) =>
      withOwnerClient(t.database, async (client) => {
        await client.query('begin');
        await client.query("select set_config('app.tenant_id', $1, true)", [principal.tenantId]);
        await client.query(
          `insert into saved_queries (id, tenant_id, name, description, query, owner_id, created_at, updated_at)
           select gen_random_uuid(), $1, 'Query ' || n, null, '{}'::jsonb, 'owner-' || (n % 20), now(), now() from generate_series(1, $2) n`,
          [principal.tenantId, rows],
        );
        await client.query('commit');
      });
    await seed(small, 2_000);
    await seed(newPrincipal(), 20_000);
    await withOwnerClient(t.database, (client) => client.query('vacuum analyze saved_queries'));
    for (const filters of [{}, { ownerId: 'owner-1' }, { q: 'query 1' }]) {
      const plan = await planOf(small, () => savedQueries.countMatching(filters));
      expect(plan).not.toMatch(/Seq Scan/);
      expect(plan).toContain(`tenant_id = '${small.tenantId}'::text`);
    }
    expect(await planOf(small, () => savedQueries.countMatching({}))).toMatch(/Index Only Scan using saved_queries_(pkey|tenant_\w+)/);
    expect(await t.inTenant(small, () => savedQueries.countMatching({ ownerId: 'owner-1' }))).toBe(100);
  }, 60_000);
});

import pg from 'pg';
import { migrationsList } from '../../migrations/index.js';
import { withMigrator } from '../../src/platform/database/migrations.js';
import { createTestDatabase, type TestDatabase, withOwnerClient } from '../support/test-database.js';

const SEALING = 'Migration20261201202405_audit_sealing';
const BEFORE_SEALING = migrationsList[migrationsList.findIndex((migration) => migration.name === SEALING) - 1].name;
const TENANT = 'migrated-tenant';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('template0');
  await withMigrator(database.ownerUrl, (migrator) => migrator.up({ to: BEFORE_SEALING }));
});

afterAll(() => database?.drop());

/** One pattern written by the runtime role in its own transaction: one audit entry. */
async function writeEntry(label: string): Promise<void> {
  const client = new pg.Client({ connectionString: database.runtimeUrl });
  await client.connect();
  try {
    await client.query('begin');
    await client.query(`select set_config('app.tenant_id', $1, true)`, [TENANT]);
    await client.query(
      `insert into patterns (id, tenant_id, type, pattern, frequency, last_seen, created_at)
       values (gen_random_uuid(), $1, 'migration', jsonb_build_object('label', $2::text), 1, now(), now())`,
      [TENANT, label],
    );
    await client.query('commit');
  } finally {
    await client.end();
  }
}

/** Per entry, oldest first: whether it is sealed, and whether its hash and link recompute. */
function chainState(): Promise<{ sealed: boolean; intact: boolean }[]> {
  return withOwnerClient(database, async (owner) => {
    await owner.query(`select set_config('app.tenant_id', $1, false)`, [TENANT]);
    const { rows } = await owner.query<{ sealed: boolean; intact: boolean }>(
      `select e.hash is not null as sealed,
         coalesce(e.hash = audit_entry_digest(e)
           and e.prev_hash is not distinct from (select p.hash from audit_entries p
             where p.tenant_id = e.tenant_id and p.chain = e.chain and p.chain_seq = e.chain_seq - 1), false) as intact
       from audit_entries e where e.tenant_id = $1 order by e.created_at, e.id`,
      [TENANT],
    );
    return rows;
  });
}

describe('the audit sealing migration', () => {
  it('keeps entries sealed by their writers, seals what is pending before going down, and goes up again', async () => {
    await writeEntry('sealed by its writer');
    await withMigrator(database.ownerUrl, (migrator) => migrator.up({ to: SEALING }));
    await writeEntry('stamped, waiting for the sealer');
    expect(await chainState()).toEqual([
      { sealed: true, intact: true },
      { sealed: false, intact: false },
    ]);

    await withMigrator(database.ownerUrl, (migrator) => migrator.down({ to: BEFORE_SEALING }));
    await writeEntry('sealed by its writer again');
    expect(await chainState()).toEqual(Array.from({ length: 3 }, () => ({ sealed: true, intact: true })));

    await withMigrator(database.ownerUrl, (migrator) => migrator.up({ to: SEALING }));
    await writeEntry('stamped again');
    await withOwnerClient(database, async (owner) => {
      await owner.query('begin');
      await owner.query(`select set_config('app.tenant_id', $1, true)`, [TENANT]);
      expect((await owner.query('select audit_seal_pending() as sealed')).rows[0].sealed).toBe(1);
      await owner.query('commit');
    });
    expect(await chainState()).toEqual(Array.from({ length: 4 }, () => ({ sealed: true, intact: true })));
  });
});

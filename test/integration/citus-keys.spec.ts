import { checkCitusKeys } from '../support/citus-keys.js';
import { createTestDatabase, type TestDatabase, withOwnerClient } from '../support/test-database.js';

/**
 * Every table of the migrated schema can be distributed by tenant_id on Citus (ADR 0009): the check
 * reads pg_catalog, so a table or key added by any later migration is held to the same rules.
 */
describe('Citus-ready keys (pg_catalog)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('every table has tenant_id in its primary key, unique keys and foreign keys, or a listed reason', async () => {
    const check = await withOwnerClient(database, checkCitusKeys);
    expect(check.violations).toEqual([]);
    expect(check.staleExceptions).toEqual([]);
  });

  it('names each rule a future table breaks', async () => {
    const violations = await withOwnerClient(database, async (owner) => {
      await owner.query('begin');
      try {
        await owner.query('create table future_log (id bigint primary key)');
        await owner.query(`create table future_notes (
          id uuid primary key,
          tenant_id text not null,
          slug text not null constraint future_notes_slug_key unique,
          other_tenant_id text not null,
          task_id uuid not null,
          constraint future_notes_task_fk foreign key (other_tenant_id, task_id) references tasks (tenant_id, id)
        )`);
        await owner.query('create unique index future_notes_lower_slug_idx on future_notes (lower(slug)) include (tenant_id)');
        await owner.query('create table future_marks (tenant_id text not null, note_id uuid not null)');
        return (await checkCitusKeys(owner)).violations;
      } finally {
        await owner.query('rollback');
      }
    });
    expect(violations).toEqual([
      'future_log: tenant column future_log — no tenant_id column',
      'future_marks: primary key future_marks — no primary key',
      expect.stringMatching(/^future_notes: foreign key future_notes_task_fk — FOREIGN KEY \(other_tenant_id, task_id\) REFERENCES tasks/),
      expect.stringMatching(/^future_notes: primary key future_notes_pkey — CREATE UNIQUE INDEX future_notes_pkey .*\(id\)$/),
      // An included column is no key column: the index still lets two tenants' rows clash.
      expect.stringMatching(/^future_notes: unique key future_notes_lower_slug_idx — /),
      expect.stringMatching(/^future_notes: unique key future_notes_slug_key — /),
    ]);
    const tables = await withOwnerClient(
      database,
      async (owner) => (await owner.query("select count(*)::int as n from pg_class where relname like 'future_%'")).rows[0].n,
    );
    expect(tables).toBe(0);
  });
});

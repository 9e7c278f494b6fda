import pg from 'pg';
import { migrationsList } from '../../migrations/index.js';
import { withMigrator } from '../../src/platform/database/migrations.js';
import { createTestDatabase, type TestDatabase, withOwnerClient } from '../support/test-database.js';

const TRIGRAMS = 'Migration20261201230000_lesson_lexeme_trigrams';
const BEFORE_TRIGRAMS = migrationsList[migrationsList.findIndex((migration) => migration.name === TRIGRAMS) - 1].name;
const TENANTS = ['migrated-tenant', 'other-tenant'];

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('template0');
  await withMigrator(database.ownerUrl, (migrator) => migrator.up({ to: BEFORE_TRIGRAMS }));
});

afterAll(() => database?.drop());

/** Runs statements as the runtime role in the tenant's transaction (row-level security on). */
async function asTenant<T>(tenant: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: database.runtimeUrl });
  await client.connect();
  try {
    await client.query('begin');
    await client.query(`select set_config('app.tenant_id', $1, true)`, [tenant]);
    const result = await work(client);
    await client.query('commit');
    return result;
  } finally {
    await client.end();
  }
}

const addLesson = (tenant: string, title: string, summary: string) =>
  asTenant(tenant, (client) =>
    client.query(
      `insert into lessons (id, tenant_id, category, title, summary, tags, created_at, updated_at)
       values (gen_random_uuid(), $1, 'testing', $2, $3, '{}', now(), now())`,
      [tenant, title, summary],
    ),
  );

/** Every tenant's trigram rows, and the same computed afresh from the dictionary (as the owner, RLS lifted). */
const trigramIndexes = () =>
  withOwnerClient(database, async (owner) => {
    await owner.query('begin');
    await owner.query('alter table lesson_lexeme_trigrams no force row level security');
    await owner.query('alter table lesson_lexemes no force row level security');
    const read = async (statement: string) => (await owner.query(statement)).rows.map((row) => Object.values(row).join(':'));
    const rows = {
      kept: await read('select tenant_id, lexeme, trigram from lesson_lexeme_trigrams order by 1, 2, 3'),
      recomputed: await read(`select tenant_id, lexeme, trigram from lesson_lexemes, unnest(show_trgm(lexeme)) as trigram
                              where length(lexeme) <= 32 order by 1, 2, 3`),
    };
    await owner.query('rollback');
    return rows;
  });

/** The lessons' search_text as stored, and whether its trigram index exists. */
const searchTextColumn = () =>
  withOwnerClient(database, async (owner) => {
    const { rows } = await owner.query(
      `select exists (select from pg_attribute where attrelid = 'lessons'::regclass and attname = 'search_text' and not attisdropped) as "column",
              to_regclass('lessons_tenant_search_trgm_idx') is not null as "index"`,
    );
    return rows[0] as { column: boolean; index: boolean };
  });

describe('the lesson lexeme trigrams migration', () => {
  it('indexes the words of lessons written before it, drops search_text, and restores it going down', async () => {
    await addLesson(TENANTS[0], 'Zeppelin hangar', 'Doors open inward');
    await addLesson(TENANTS[1], 'Quarantine the flaky suite', `A ${'y'.repeat(40)} token`);
    expect(await searchTextColumn()).toEqual({ column: true, index: true });

    await withMigrator(database.ownerUrl, (migrator) => migrator.up({ to: TRIGRAMS }));
    const { kept, recomputed } = await trigramIndexes();
    expect(kept).toEqual(recomputed);
    expect(kept).toEqual(expect.arrayContaining([`${TENANTS[0]}:zeppelin:zep`, `${TENANTS[1]}:quarantin:qua`]));
    expect(kept.some((row) => row.includes('yyyy'))).toBe(false);
    expect(await searchTextColumn()).toEqual({ column: false, index: false });
    // Each tenant sees its own rows only, and writes after the migration keep them.
    await addLesson(TENANTS[0], 'Airship mooring', 'Mast');
    expect(
      await asTenant(TENANTS[0], async (client) => (await client.query('select distinct tenant_id from lesson_lexeme_trigrams')).rows),
    ).toEqual([{ tenant_id: TENANTS[0] }]);
    expect(await trigramIndexes()).toMatchObject({ kept: expect.arrayContaining([`${TENANTS[0]}:airship:air`]) });

    await withMigrator(database.ownerUrl, (migrator) => migrator.down({ to: BEFORE_TRIGRAMS }));
    expect(await searchTextColumn()).toEqual({ column: true, index: true });
    const restored = await withOwnerClient(database, async (owner) => {
      await owner.query('begin');
      await owner.query('alter table lessons no force row level security');
      const { rows } = await owner.query('select search_text from lessons order by search_text');
      await owner.query('rollback');
      return rows.map((row) => row.search_text);
    });
    expect(restored).toEqual([
      'Airship mooring Mast',
      `Quarantine the flaky suite A ${'y'.repeat(40)} token`,
      'Zeppelin hangar Doors open inward',
    ]);
    await addLesson(TENANTS[1], 'Written between', 'the two upgrades');

    await withMigrator(database.ownerUrl, (migrator) => migrator.up({ to: TRIGRAMS }));
    const again = await trigramIndexes();
    expect(again.kept).toEqual(again.recomputed);
    expect(again.kept).toEqual(expect.arrayContaining([`${TENANTS[1]}:written:wri`]));
  });
});

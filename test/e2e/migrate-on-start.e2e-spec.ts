import pg from 'pg';
import { migrationsList } from '../../migrations/index.js';
import { migrateToLatest, withMigrator } from '../../src/platform/database/migrations.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** The text of every statement a pg client sends while `work` runs. */
async function statementsDuring(work: () => Promise<unknown>): Promise<string[]> {
  const sent: string[] = [];
  const originalQuery = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const [first] = args as [string | { text?: string }];
    const text = typeof first === 'string' ? first : first?.text;
    if (text) sent.push(text.trim());
    return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof pg.Client.prototype.query;
  try {
    await work();
  } finally {
    pg.Client.prototype.query = originalQuery;
  }
  return sent;
}

const executedNames = (database: TestDatabase) =>
  withMigrator(database.ownerUrl, async (migrator) => (await migrator.getExecuted()).map((migration) => migration.name));

describe('migrations at start (migrateToLatest)', () => {
  let database: TestDatabase;
  afterEach(() => database.drop());

  it('on a migrated database, only read which migrations ran: one statement, no migrator', async () => {
    database = await createTestDatabase();
    const sent = await statementsDuring(() => migrateToLatest(database.ownerUrl));
    expect(sent).toEqual(['select name from public.mikro_orm_migrations']);
  });

  it('apply every migration to an empty database, which has no record of migrations yet', async () => {
    database = await createTestDatabase('template0');
    await migrateToLatest(database.ownerUrl);
    expect(await executedNames(database)).toEqual(migrationsList.map((migration) => migration.name));
  });

  it('apply the newest migration to a database that lacks only that one', async () => {
    database = await createTestDatabase('template0');
    const newest = migrationsList.at(-1)?.name;
    const previous = migrationsList.at(-2)?.name;
    await withMigrator(database.ownerUrl, (migrator) => migrator.up({ to: previous }));
    expect(await executedNames(database)).not.toContain(newest);

    await migrateToLatest(database.ownerUrl);
    expect(await executedNames(database)).toEqual(migrationsList.map((migration) => migration.name));
  });
});

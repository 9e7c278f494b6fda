import { migrationsList } from '../../migrations/index.js';
import { migrateToLatest, withMigrator } from '../../src/platform/database/migrations.js';
import { statementsSentDuring } from '../support/statement-capture.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const executedNames = (database: TestDatabase) =>
  withMigrator(database.ownerUrl, async (migrator) => (await migrator.getExecuted()).map((migration) => migration.name));

describe('migrations at start (migrateToLatest)', () => {
  let database: TestDatabase;
  afterEach(() => database.drop());

  it('on a migrated database, only read which migrations ran: one statement, no migrator', async () => {
    database = await createTestDatabase();
    const sent = await statementsSentDuring(() => migrateToLatest(database.ownerUrl));
    expect(sent.map(({ text }) => text)).toEqual(['select name from public.mikro_orm_migrations']);
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

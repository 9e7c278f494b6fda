import { migrationsList } from '../../migrations/index.js';
import { withMigrator } from '../../src/platform/database/migrations.js';
import { createTestDatabase, TestDatabase, withAdminClient } from '../support/test-database.js';

describe('migrations', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('template0');
  });
  afterAll(() => database.drop());

  const tables = () =>
    withAdminClient(
      async (client) =>
        (await client.query("select tablename from pg_tables where schemaname = 'public' and tablename <> 'mikro_orm_migrations' order by 1")).rows.map(
          (row) => row.tablename as string,
        ),
      database.name,
    );

  it('go up, all the way down, and up again on an empty database', async () => {
    await withMigrator(database.ownerUrl, (migrator) => migrator.up());
    const afterUp = await tables();
    expect(afterUp).toContain('tasks');
    await expect(withMigrator(database.ownerUrl, (migrator) => migrator.getPending())).resolves.toEqual([]);

    await withMigrator(database.ownerUrl, (migrator) => migrator.down({ to: 0 }));
    expect(await tables()).toEqual([]);
    const executed = await withMigrator(database.ownerUrl, (migrator) => migrator.getExecuted());
    expect(executed).toEqual([]);

    await withMigrator(database.ownerUrl, (migrator) => migrator.up());
    expect(await tables()).toEqual(afterUp);
    const names = (await withMigrator(database.ownerUrl, (migrator) => migrator.getExecuted())).map((migration) => migration.name);
    expect(names).toEqual(migrationsList.map((migration) => migration.name));
  });
});

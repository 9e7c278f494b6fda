import { MikroORM } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { migrationsList } from '../../../migrations/index.js';
import { ormOptions, PoolSettings } from './orm-options.js';

const MIGRATION_POOL: PoolSettings = { DB_POOL_MAX: 1, DB_CONNECT_TIMEOUT_MS: 10_000, DB_STATEMENT_TIMEOUT_MS: 600_000 };

/** Opens a short-lived ORM as the schema owner, runs the migrator and closes it. */
export async function withMigrator<T>(ownerUrl: string, work: (migrator: Migrator) => Promise<T>): Promise<T> {
  const orm = await MikroORM.init({
    ...ormOptions(ownerUrl, MIGRATION_POOL),
    extensions: [Migrator],
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false },
  });
  try {
    return await work(orm.migrator as Migrator);
  } finally {
    await orm.close();
  }
}

export async function migrateToLatest(ownerUrl: string): Promise<void> {
  await withMigrator(ownerUrl, (migrator) => migrator.up());
}

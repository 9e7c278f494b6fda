import { Migrator } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { migrationsList } from '../../../migrations/index.js';
import {
  type ConnectionSettings,
  databaseTls,
  explainConnectionFailure,
  ormOptions,
  PLAIN_CONNECTIONS,
  type PoolSettings,
} from './orm-options.js';

/** The compiled entities, for the migrator's schema diff (creating a migration, or checking none is due). */
export const COMPILED_ENTITIES = ['dist/src/**/*.entity.js'];

const MIGRATION_POOL: PoolSettings = { DB_POOL_MAX: 1, DB_CONNECT_TIMEOUT_MS: 10_000, DB_STATEMENT_TIMEOUT_MS: 600_000 };

/**
 * Opens a short-lived ORM as the schema owner, hands its migrator to the work and closes it.
 * `entities` (globs of compiled entity files) are only needed to generate a migration from a diff;
 * `connection` carries DB_SSL and DB_SSL_CA (plain connections without it).
 */
export async function withMigrator<T>(
  ownerUrl: string,
  work: (migrator: Migrator) => Promise<T>,
  entities: string[] = [],
  connection: ConnectionSettings = PLAIN_CONNECTIONS,
): Promise<T> {
  const orm = await MikroORM.init({
    ...ormOptions(ownerUrl, { ...MIGRATION_POOL, ...connection }),
    entities,
    extensions: [Migrator],
    migrations: {
      migrationsList,
      path: 'migrations',
      emit: 'ts',
      // The snapshot records the entities as of the last generated migration; only a diff reads or
      // writes it, never a run (which would overwrite it with the live schema).
      snapshot: entities.length > 0,
      snapshotName: '.snapshot-tessera',
      transactional: true,
      allOrNothing: true,
      silent: process.env.NODE_ENV === 'test',
    },
  });
  try {
    return await work(orm.migrator as Migrator);
  } catch (error) {
    throw explainConnectionFailure(error, connection);
  } finally {
    await orm.close();
  }
}

export async function migrateToLatest(ownerUrl: string, connection: ConnectionSettings = PLAIN_CONNECTIONS): Promise<void> {
  // Most starts find every migration applied: one query says so, without booting an ORM and its migrator.
  if (await allMigrationsRecorded(ownerUrl, connection)) return;
  await withMigrator(ownerUrl, (migrator) => migrator.up().then(() => undefined), [], connection);
}

const UNDEFINED_TABLE = '42P01';

/** True when the migrator's table lists every migration of this build; false sends the work to the migrator. */
async function allMigrationsRecorded(ownerUrl: string, connection: ConnectionSettings): Promise<boolean> {
  const client = new pg.Client({
    connectionString: ownerUrl,
    ssl: databaseTls(connection, ownerUrl),
    connectionTimeoutMillis: MIGRATION_POOL.DB_CONNECT_TIMEOUT_MS,
    application_name: 'tessera',
  });
  try {
    await client.connect();
    // MikroORM's record of executed migrations: its default table, in PostgreSQL's default schema.
    const { rows } = await client.query<{ name: string }>('select name from public.mikro_orm_migrations');
    // The migrator records names without the file extension; older records may carry one.
    const executed = new Set(rows.map(({ name }) => name.replace(/\.[jt]s$/, '')));
    return migrationsList.every(({ name }) => executed.has(name));
  } catch (error) {
    if ((error as { code?: string }).code === UNDEFINED_TABLE) return false;
    throw explainConnectionFailure(error, connection);
  } finally {
    await client.end().catch(() => undefined);
  }
}

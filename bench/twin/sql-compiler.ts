import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import type pg from 'pg';
import type { SqlStatement } from '../../src/platform/database/sql/sql.js';

/**
 * Kysely that only compiles: the twin runs Tessera's own statement builders without an
 * EntityManager, and sends the compiled text and parameters through its own pg client.
 */
// biome-ignore lint/suspicious/noExplicitAny: one compiler for every module's tables; the builders carry their own table types.
export const compiler = new Kysely<any>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

export async function queryRows<R>(client: pg.ClientBase, statement: SqlStatement<R>): Promise<R[]> {
  const compiled = statement.compile(compiler);
  return (await client.query(compiled.sql, [...compiled.parameters])).rows as R[];
}

import type { EntityData, EntityKey, EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Compilable, type Expression, type RawBuilder, sql } from 'kysely';
import type pg from 'pg';

/**
 * The one way Tessera writes SQL that the ORM cannot express: Kysely's `sql` tagged template and
 * query builder. A value interpolated into `sql`…`` travels as a bound parameter ($1, $2 …), never as
 * text, and fragments compose with their parameters; identifiers go through `sql.ref`/`sql.table`.
 * MikroORM's own `raw()`/`execute()` write parameters into the SQL text (and re-scan it for `?`), so
 * modules never use them: a test fails on any other way of building SQL (test/architecture).
 */
export { sql };
export type SqlFragment<T = unknown> = RawBuilder<T>;
/** A statement to run: an `sql`…`` template or a Kysely query builder of `em.getKysely()`. */
export type SqlStatement<R> = Compilable<R> | RawBuilder<R>;

/**
 * Runs a statement in the EntityManager's current unit of work (its transaction and connection, so
 * the tenant settings and row-level security hold). Raw statements are not filtered by the ORM: they
 * name the tenant themselves, and row-level security holds underneath regardless. Errors come back as
 * the ORM's exception types, for the same problem responses as the ORM's own statements.
 */
export async function queryRows<R>(em: EntityManager, statement: SqlStatement<R>): Promise<R[]> {
  const kysely = em.getKysely();
  try {
    return (await kysely.executeQuery<R>(statement.compile(kysely))).rows;
  } catch (error) {
    throw em.getDriver().convertException(error as Error);
  }
}

/**
 * Runs a statement on a connection outside any unit of work (the maintenance pool's, as the schema
 * owner), compiled by the EntityManager's Kysely so its values are bound as everywhere else.
 */
export async function queryRowsOn<R>(client: pg.ClientBase, em: EntityManager, statement: SqlStatement<R>): Promise<R[]> {
  const compiled = statement.compile(em.getKysely());
  return (await client.query<R & pg.QueryResultRow>(compiled.sql, [...compiled.parameters])).rows;
}

/** The first row of a statement, if any. */
export async function queryRow<R>(em: EntityManager, statement: SqlStatement<R>): Promise<R | undefined> {
  return (await queryRows(em, statement))[0];
}

/** Rows of an entity's table, with the entity's property names and types (not managed by the unit of work). */
export async function queryEntities<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  statement: SqlStatement<unknown>,
): Promise<T[]> {
  const rows = await queryRows(em, statement);
  const meta = em.getMetadata().get(entity);
  return rows.map((row) => em.getDriver().mapResult(row as EntityData<T>, meta) as T);
}

/** The columns of some of an entity's properties, for `select`/`returning`/`insert`: `"id", "created_at"` … */
export function columnsOf<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  fields: readonly EntityKey<T>[],
  alias?: string,
): SqlFragment {
  const { properties } = em.getMetadata().get(entity);
  return sql.join(fields.map((field) => sql.ref(alias ? `${alias}.${properties[field].fieldNames[0]}` : properties[field].fieldNames[0])));
}

/** A JSON value as the text bound for a jsonb column: null (or undefined) is SQL NULL, as the ORM writes it. */
export function jsonbText(value: unknown): string | null {
  return value == null ? null : JSON.stringify(value);
}

/** An ILIKE pattern matching `text` anywhere, its wildcards taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/**
 * A timestamptz as JSON the way the API writes instants everywhere (`toISOString()`: UTC,
 * milliseconds, `Z`), for rows assembled into JSON by PostgreSQL.
 */
export function isoInstant(expression: Expression<unknown>): SqlFragment<string> {
  return sql<string>`to_char(${expression} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

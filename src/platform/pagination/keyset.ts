import type { EntityManager } from '@mikro-orm/postgresql';
import { type Expression, type SelectQueryBuilder, sql } from 'kysely';
import { queryRows } from '../database/sql/sql.js';
import { PlatformProblems } from '../errors/platform-problems.js';
import { ProblemException } from '../errors/problem.exception.js';
import type { Page, PageQuery } from './page.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** How a list is ordered: descending by an SQL expression, then by id. */
export interface SortKey<T> {
  /** Names this ordering inside cursors: a cursor of another ordering is refused. */
  name: string;
  /** The sort value over the query's root alias, e.g. `alias => sql.ref(`${alias}.created_at`)`. */
  expression: (alias: string) => Expression<unknown>;
  type: 'timestamptz' | 'float8' | 'int4';
  valueOf: (row: T) => string | number;
}

/**
 * Newest first: the order of most lists. Raw rows carry timestamps as PostgreSQL's text (MikroORM's
 * connection leaves dates to the ORM's own mapping); entities carry Dates.
 */
export const NEWEST_FIRST: SortKey<{ id: string; createdAt: Date | string }> = {
  name: 'recent',
  expression: (alias) => sql.ref(`${alias}.created_at`),
  type: 'timestamptz',
  valueOf: (row) => new Date(row.createdAt).toISOString(),
};

/**
 * One page of a list by keyset (sort value, id), both descending: constant cost however deep the
 * page, stable under concurrent inserts. `select` is a Kysely select of `em.getKysely()` whose root
 * table has the alias `alias`; it runs in the unit of work, its rows as selected (no entity hydration:
 * lists are read-only and hydrating every row is most of their cost).
 */
export async function keysetPage<T extends { id: string }>(
  em: EntityManager,
  // biome-ignore lint/suspicious/noExplicitAny: the page works over any module's tables; only the selected row shape matters.
  select: SelectQueryBuilder<any, any, T>,
  alias: string,
  query: PageQuery,
  key: SortKey<T>,
): Promise<Page<T>> {
  const expression = key.expression(alias);
  const id = sql.ref(`${alias}.id`);
  let statement = select;
  if (query.cursor) {
    const [value, lastId] = decodeCursor(query.cursor, key);
    statement = statement.where(sql<boolean>`(${expression}, ${id}) < (cast(${value} as ${sql.raw(key.type)}), cast(${lastId} as uuid))`);
  }
  const rows = await queryRows(
    em,
    statement
      .orderBy(expression, 'desc')
      .orderBy(id, 'desc')
      .limit(query.limit + 1),
  );
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(key, last) : null };
}

export function encodeCursor<T extends { id: string }>(key: Pick<SortKey<T>, 'name' | 'valueOf'>, row: T): string {
  return Buffer.from(JSON.stringify([key.name, key.valueOf(row), row.id])).toString('base64url');
}

/** The ordering a cursor was made for (e.g. to continue a search in the mode its first page used). */
export function sortNameOf(cursor: string): string | undefined {
  try {
    const [name] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

function decodeCursor(cursor: string, key: Pick<SortKey<never>, 'name' | 'type'>): [string | number, string] {
  try {
    const [name, value, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (name === key.name && isValueOf(key.type, value) && typeof id === 'string' && UUID.test(id)) {
      return [value, id];
    }
  } catch {
    // fall through: any malformed cursor gets the same answer
  }
  throw new ProblemException(
    PlatformProblems.types['invalid-cursor'],
    'The cursor is invalid; pass the nextCursor of a previous page unchanged, with the same sort.',
  );
}

/** Only what encodeCursor writes: e.g. an instant that round-trips exactly (PostgreSQL parses fewer dates than JS). */
function isValueOf(type: SortKey<never>['type'], value: unknown): value is string | number {
  switch (type) {
    case 'timestamptz':
      return typeof value === 'string' && ISO_INSTANT.test(value) && new Date(value).toISOString() === value;
    case 'float8':
      return typeof value === 'number' && Number.isFinite(value);
    case 'int4':
      return Number.isInteger(value) && Math.abs(value as number) <= 2_147_483_647;
  }
}

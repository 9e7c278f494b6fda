import { raw } from '@mikro-orm/core';
import type { QueryBuilder } from '@mikro-orm/postgresql';
import { ProblemException } from '../errors/problem.exception.js';
import type { Page, PageQuery } from './page.js';

/** What every newest-first listable row has: a creation time (millisecond precision) and an id. */
export interface Listable {
  id: string;
  createdAt: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * One page of a list, newest first, by keyset on (created_at, id): constant cost however deep the
 * page, stable under concurrent inserts. Runs the query builder as plain rows (no entity hydration:
 * lists are read-only and hydrating every row is most of their cost); the tenant filter is applied to
 * the builder explicitly, and row-level security holds underneath regardless.
 */
export async function newestFirstPage<T extends Listable>(qb: QueryBuilder<T>, query: PageQuery): Promise<Page<T>> {
  if (query.cursor) {
    const [createdAt, id] = decodeCursor(query.cursor);
    qb.andWhere(raw(`(${qb.alias}.created_at, ${qb.alias}.id) < (?, ?)`, [createdAt, id]));
  }
  qb.orderBy([{ createdAt: 'desc' }, { id: 'desc' }] as never).limit(query.limit + 1);
  await qb.applyFilters();
  const rows = await qb.execute<T[]>('all', true);
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
}

export function encodeCursor(row: Listable): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    // Only what encodeCursor writes: an instant that round-trips exactly (PostgreSQL parses fewer dates than JS).
    if (typeof createdAt === 'string' && ISO_INSTANT.test(createdAt) && new Date(createdAt).toISOString() === createdAt && typeof id === 'string' && UUID.test(id)) {
      return [createdAt, id];
    }
  } catch {
    // fall through: any malformed cursor gets the same answer
  }
  throw new ProblemException(400, 'The cursor is invalid; pass the nextCursor of a previous page unchanged.');
}

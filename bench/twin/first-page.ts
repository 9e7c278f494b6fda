import type { SelectQueryBuilder } from 'kysely';
import type pg from 'pg';
import { encodeCursor, type SortKey } from '../../src/platform/pagination/keyset.js';
import type { Page } from '../../src/platform/pagination/page.js';
import { queryRows } from './sql-compiler.js';

/**
 * The first page of a list as Tessera's keysetPage reads it: by the key, then id, both descending,
 * one row more than asked to know whether another page follows.
 */
export async function firstPage<T extends { id: string }>(
  client: pg.ClientBase,
  // biome-ignore lint/suspicious/noExplicitAny: as keysetPage, over any module's tables; only the selected row shape matters.
  select: SelectQueryBuilder<any, any, T>,
  alias: string,
  limit: number,
  key: SortKey<T>,
): Promise<Page<T>> {
  const rows = await queryRows(
    client,
    select
      .orderBy(key.expression(alias), 'desc')
      .orderBy(`${alias}.id`, 'desc')
      .limit(limit + 1),
  );
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(key, last) : null };
}

import type { Expression, SqlBool } from 'kysely';
import { sql } from '../../platform/database/sql/sql.js';
import type { LessonFiltersQuery } from './dto/list-lessons.query.js';

/** The lessons list's filters over the lessons table at `alias`, every value a bound parameter. */
export function lessonFilters(query: Partial<LessonFiltersQuery>, alias: string): Expression<SqlBool>[] {
  const column = (name: string) => sql.ref(`${alias}.${name}`);
  const filters: Expression<SqlBool>[] = [];
  if (query.category !== undefined) filters.push(sql`${column('category')} = ${query.category}::text`);
  if (query.tags?.length) {
    filters.push(
      query.tagsMode === 'all' ? sql`${column('tags')} @> ${query.tags}::text[]` : sql`${column('tags')} && ${query.tags}::text[]`,
    );
  }
  if (query.sourceAgent !== undefined) filters.push(sql`${column('source_agent')} = ${query.sourceAgent}::text`);
  if (query.humanValidated !== undefined) filters.push(sql`${column('human_validated')} = ${query.humanValidated}::boolean`);
  if (query.minConfidence !== undefined) filters.push(sql`${column('confidence')} >= ${query.minConfidence}::float8`);
  return filters;
}

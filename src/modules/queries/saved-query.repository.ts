import type { Expression, SqlBool } from 'kysely';
import { EXAMPLE_ID, RecordSql } from '../../platform/database/sql/record-sql.decorator.js';
import { containsPattern, isoInstant, queryRow, sql } from '../../platform/database/sql/sql.js';
import { TenantRepository } from '../../platform/database/tenant-repository.js';
import { keysetPage, NEWEST_FIRST } from '../../platform/pagination/keyset.js';
import type { OwnedListQuery } from '../../platform/pagination/owned-list.query.js';
import type { Page } from '../../platform/pagination/page.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import type { SavedQueryFiltersQuery } from './dto/saved-query-filters.query.js';
import type { QueryTables } from './queries.tables.js';
import type { SavedQuery } from './saved-query.entity.js';
import type { SavedQueryView } from './saved-query.view.js';

/** What a client writes of a saved query. */
export interface SavedQueryContent {
  name: string;
  description: string | null;
  query: Record<string, unknown>;
}

/** Newest first, over rows that hold instants as ISO text (node-postgres hands the ORM's connection timestamps as text). */

const EXAMPLE_CONTENT: SavedQueryContent = {
  name: 'Revenue by region',
  description: null,
  query: { tables: [{ table: 'orders' }], columns: [{ column: 'region' }] },
};

/**
 * Saved queries. Single rows go through the ORM (its tenant filter scopes them; the owner is stamped
 * on create); the list is a Kysely select that names the tenant itself, and row-level security holds
 * underneath regardless.
 */
export class SavedQueryRepository extends TenantRepository<SavedQuery> {
  /** Adds a saved query, written at once: a name already taken fails here (unique per tenant). */
  @RecordSql([EXAMPLE_CONTENT])
  async add(content: SavedQueryContent): Promise<SavedQuery> {
    const savedQuery = this.create(content);
    await this.em.flush();
    return savedQuery;
  }

  @RecordSql([EXAMPLE_ID])
  byId(id: string): Promise<SavedQuery | null> {
    return this.findOne({ id });
  }

  /** Deletes it; a widget still referring to it makes this fail (a foreign key). */
  @RecordSql([EXAMPLE_ID])
  async remove(id: string): Promise<boolean> {
    return (await this.nativeDelete({ id })) > 0;
  }

  /** Which of these ids are saved queries of the tenant. */
  @RecordSql([[EXAMPLE_ID]])
  async existingIds(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.find({ id: { $in: [...ids] } }, { fields: ['id'] });
    return new Set(rows.map((row) => row.id));
  }

  @RecordSql([{ limit: 50 }], [{ limit: 50, ownerId: 'user-1', q: '50%_off' }])
  page(query: OwnedListQuery): Promise<Page<SavedQueryView>> {
    const select = this.kysely()
      .selectFrom('saved_queries as q')
      .select([
        sql.ref<string>('q.id').as('id'),
        sql.ref<string>('q.name').as('name'),
        sql.ref<string | null>('q.description').as('description'),
        sql.ref<Record<string, unknown>>('q.query').as('query'),
        sql.ref<string>('q.owner_id').as('ownerId'),
        isoInstant(sql.ref('q.created_at')).as('createdAt'),
        isoInstant(sql.ref('q.updated_at')).as('updatedAt'),
      ])
      .where('q.tenant_id', '=', TenantContext.current().tenantId);
    return keysetPage(
      this.em,
      savedQueryFilters(query).reduce((statement, condition) => statement.where(condition), select),
      'q',
      query,
      NEWEST_FIRST,
    );
  }

  /**
   * Exact. Without filters, index-only on the tenant's created-at index. No index serves ownerId (the
   * schema has none on (tenant_id, owner_id)) nor a substring of the name: with them it reads the
   * tenant's rows; a tenant's saved queries are few, by nature, against its lessons or audit trail.
   */
  @RecordSql([{}], [{ ownerId: 'user-1', q: '50%_off' }])
  async countMatching(filters: SavedQueryFiltersQuery): Promise<number> {
    const select = savedQueryFilters(filters).reduce(
      (statement, condition) => statement.where(condition),
      this.kysely()
        .selectFrom('saved_queries as q')
        .select(sql<number>`count(*)::int`.as('count'))
        .where('q.tenant_id', '=', TenantContext.current().tenantId),
    );
    return (await queryRow(this.em, select))!.count;
  }

  private kysely() {
    return this.em.getKysely<QueryTables>();
  }
}

/** The list's filters over alias `q`, each value bound (`q` as a literal substring: % and _ escaped). */
function savedQueryFilters(filters: SavedQueryFiltersQuery): Expression<SqlBool>[] {
  const conditions: Expression<SqlBool>[] = [];
  if (filters.ownerId) conditions.push(sql<SqlBool>`${sql.ref('q.owner_id')} = ${filters.ownerId}`);
  if (filters.q) conditions.push(sql<SqlBool>`${sql.ref('q.name')} ilike ${containsPattern(filters.q)}`);
  return conditions;
}

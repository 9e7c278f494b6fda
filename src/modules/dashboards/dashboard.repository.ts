import { LockMode, type RequiredEntityData } from '@mikro-orm/core';
import type { CompiledQuery, Kysely } from 'kysely';
import { EXAMPLE_ID, RecordSql } from '../../platform/database/sql/record-sql.decorator.js';
import { containsPattern, queryRow, queryRows, type SqlFragment, sql } from '../../platform/database/sql/sql.js';
import { TenantRepository } from '../../platform/database/tenant-repository.js';
import { keysetPage, NEWEST_FIRST, type SortKey } from '../../platform/pagination/keyset.js';
import type { Page, PageQuery } from '../../platform/pagination/page.js';
import type { DashboardRef } from '../widgets/dashboard-widgets.service.js';
import type { Dashboard } from './dashboard.entity.js';
import type { DashboardTables } from './dashboard.tables.js';
import type { DashboardFields } from './dashboard.view.js';
import type { DashboardSort } from './dto/list-dashboards.query.js';
import type { NoneMatch } from './if-none-match.js';
import { decodeNameCursor, encodeNameCursor } from './name-cursor.js';

/** Which live dashboards a list shows: `visibleTo` a user (else all, for an admin), of an owner, of a project, names containing a text. */
export interface DashboardFilters {
  visibleTo?: string;
  ownerId?: string;
  projectId?: string;
  nameContains?: string;
}

/** A page of a dashboard list: its size and cursor, and its order. */
export type DashboardPageQuery = PageQuery & { sort?: DashboardSort };

/** A dashboard of a list, with how many widgets it has. */
export type ListedDashboardFields = DashboardFields & { widgetCount: number };

export type TrashedDashboardFields = DashboardFields & { deletedAt: string; deletedBy: string };

/** The contents (widgets) embedded in the dashboard's single read, given how to name the dashboard. */
export type ContentsOf = (dashboard: DashboardRef) => SqlFragment<unknown[]>;

/** How many widgets a dashboard has, embedded in a list's statement, given how to name the dashboard. */
export type CountOf = (dashboard: DashboardRef) => SqlFragment<number>;

/** Most recently changed first (a change of the dashboard's fields or widgets sets updated_at). */
const RECENTLY_UPDATED_FIRST: SortKey<ListedDashboardFields> = {
  name: 'updated',
  expression: (alias) => sql.ref(`${alias}.updated_at`),
  type: 'timestamptz',
  valueOf: (row) => new Date(row.updatedAt).toISOString(),
};

const RECENTLY_DELETED_FIRST: SortKey<TrashedDashboardFields> = {
  name: 'deleted',
  expression: (alias) => sql.ref(`${alias}.deleted_at`),
  type: 'timestamptz',
  valueOf: (row) => new Date(row.deletedAt).toISOString(),
};

const EXAMPLE_PAGE: PageQuery = { limit: 50 };
const EXAMPLE_CUTOFF = new Date('2026-01-01T00:00:00Z');
/** Recordings show the read with an empty contents expression; the widgets' own is recorded with the widgets. */
const NO_CONTENTS: ContentsOf = () => sql<unknown[]>`'[]'::jsonb`;
/** Likewise a constant widget count (the widgets' own expression: WidgetRepository.countOf). */
const NO_COUNT: CountOf = () => sql<number>`0`;
const EXAMPLE_FILTERS: DashboardFilters = { visibleTo: 'user-1', ownerId: 'user-2', projectId: EXAMPLE_ID, nameContains: 'sales' };

/**
 * The SQL of dashboards. Statements written in SQL name the tenant themselves (they are not filtered
 * by the ORM), and row-level security holds underneath regardless.
 */
export class DashboardRepository extends TenantRepository<Dashboard> {
  /** A live dashboard of the tenant. */
  @RecordSql([EXAMPLE_ID])
  live(id: string): Promise<Dashboard | null> {
    return this.findOne({ id, deletedAt: null });
  }

  /**
   * A live dashboard locked FOR UPDATE until the unit of work ends, read afresh: concurrent changes
   * queue on the lock, and each sees its predecessor's version.
   */
  @RecordSql([EXAMPLE_ID])
  lockedLive(id: string): Promise<Dashboard | null> {
    return this.findOne({ id, deletedAt: null }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  }

  /** A dashboard trashed at or after `since`, locked like lockedLive() when `lock`. */
  @RecordSql([EXAMPLE_ID, EXAMPLE_CUTOFF, true])
  trashedSince(id: string, since: Date, lock: boolean): Promise<Dashboard | null> {
    return this.findOne({ id, deletedAt: { $gte: since } }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true } : {});
  }

  /**
   * A live dashboard with its contents as a jsonb column, in one statement: `contentsOf` embeds
   * them as a correlated expression (the widgets module's), so the hot read makes one round trip.
   */
  @RecordSql([EXAMPLE_ID, NO_CONTENTS], [EXAMPLE_ID, NO_CONTENTS, [3, 4]])
  async withContents(
    id: string,
    contentsOf: ContentsOf,
    unchangedAt?: NoneMatch,
  ): Promise<(DashboardFields & { contents: unknown[] | null }) | undefined> {
    return queryRow(
      this.em,
      dashboardWithContentsSelect(this.em.getKysely<DashboardTables>(), this.tenantId(), id, contentsOf, unchangedAt),
    );
  }

  /** Inserts the dashboard at once (the unique index refuses a live duplicate name here). */
  @RecordSql([{ name: 'Sales', allowedViewers: ['viewer-1'] }])
  async add(fields: RequiredEntityData<Dashboard>): Promise<Dashboard> {
    const dashboard = this.create(fields);
    await this.em.flush();
    return dashboard;
  }

  /** Deletes the dashboard for good; its widgets, history and configs go with it (foreign keys). */
  @RecordSql([EXAMPLE_ID])
  async remove(id: string): Promise<void> {
    await this.nativeDelete({ id });
  }

  /** Deletes the dashboards trashed before `cutoff`; returns how many. */
  @RecordSql([EXAMPLE_CUTOFF])
  purgeTrashedBefore(cutoff: Date): Promise<number> {
    return this.nativeDelete({ deletedAt: { $lt: cutoff } });
  }

  /**
   * Live dashboards in the order asked (newest first by default), each with its widget count from
   * `countOf` (the widgets module's expression) in the same statement.
   */
  @RecordSql(
    [{}, EXAMPLE_PAGE, NO_COUNT],
    [EXAMPLE_FILTERS, { ...EXAMPLE_PAGE, sort: 'updated' }, NO_COUNT],
    [{ projectId: EXAMPLE_ID }, { ...EXAMPLE_PAGE, sort: 'name', cursor: encodeNameCursor({ id: EXAMPLE_ID, name: 'Sales' }) }, NO_COUNT],
  )
  async page(filters: DashboardFilters, query: DashboardPageQuery, countOf: CountOf): Promise<Page<ListedDashboardFields>> {
    const widgetCount = countOf({ tenantId: sql.ref('d.tenant_id'), id: sql.ref('d.id') });
    const select = this.selectFields().select(widgetCount.as('widgetCount')).where('d.deleted_at', 'is', null).where(matching(filters));
    switch (query.sort ?? 'created') {
      case 'created':
        return keysetPage(this.em, select, 'd', query, NEWEST_FIRST);
      case 'updated':
        return keysetPage(this.em, select, 'd', query, RECENTLY_UPDATED_FIRST);
      case 'name': {
        // A–Z by lower(name), in the order of the live-name index (tenant_id, lower(name)); live names
        // are unique case-insensitively, so the id only breaks ties defensively.
        const name = sql<string>`lower(${sql.ref('d.name')})`;
        let statement = select;
        if (query.cursor) {
          const last = decodeNameCursor(query.cursor);
          const lastName = sql<string>`lower(cast(${last.name} as text))`;
          statement = statement.where(
            sql<boolean>`${name} >= ${lastName} and (${name} > ${lastName} or ${sql.ref('d.id')} > cast(${last.id} as uuid))`,
          );
        }
        const rows = await queryRows(
          this.em,
          statement
            .orderBy(name, 'asc')
            .orderBy('d.id', 'asc')
            .limit(query.limit + 1),
        );
        const items = rows.slice(0, query.limit);
        const lastRow = items.at(-1);
        return { items, nextCursor: rows.length > query.limit && lastRow ? encodeNameCursor(lastRow) : null };
      }
    }
  }

  /** How many live dashboards match the filters (those of page()). */
  @RecordSql([{}], [EXAMPLE_FILTERS], [{ ownerId: 'user-2' }])
  async countMatching(filters: DashboardFilters): Promise<number> {
    const select = this.em
      .getKysely<DashboardTables>()
      .selectFrom('dashboards as d')
      .select(sql<number>`count(*)::int`.as('count'))
      .where('d.tenant_id', '=', this.tenantId())
      .where('d.deleted_at', 'is', null)
      .where(matching(filters));
    return (await queryRow(this.em, select))?.count ?? 0;
  }

  /** Dashboards trashed since `since` (of `ownerId`, when given), recently deleted first. */
  @RecordSql([EXAMPLE_CUTOFF, undefined, EXAMPLE_PAGE], [EXAMPLE_CUTOFF, 'user-1', EXAMPLE_PAGE])
  async trashPage(since: Date, ownerId: string | undefined, query: PageQuery): Promise<Page<TrashedDashboardFields>> {
    let select = this.selectFields()
      .select(['d.deleted_at as deletedAt', 'd.deleted_by as deletedBy'])
      .where('d.deleted_at', '>=', since.toISOString())
      .$narrowType<{ deletedAt: string; deletedBy: string }>();
    if (ownerId !== undefined) select = select.where('d.owner_id', '=', ownerId);
    return keysetPage(this.em, select, 'd', query, RECENTLY_DELETED_FIRST);
  }

  /**
   * The tenants with dashboards trashed before `cutoff`, across tenants: a statement for the schema
   * owner (MaintenanceDatabase), whose maintenance policy allows this one read.
   */
  tenantsWithTrashBefore(cutoff: Date): CompiledQuery<{ tenant_id: string }> {
    return sql<{ tenant_id: string }>`select distinct tenant_id from dashboards where deleted_at < ${cutoff}`.compile(this.em.getKysely());
  }

  /**
   * For the projects module: per project of `projectIds`, how many of the tenant's dashboards belong to
   * it, live and in the trash (projects without any left out); one statement (dashboards_tenant_project_idx).
   */
  @RecordSql([[EXAMPLE_ID]])
  async countsByProject(projectIds: readonly string[]): Promise<{ projectId: string; live: number; trashed: number }[]> {
    if (projectIds.length === 0) return [];
    return queryRows(
      this.em,
      sql<{ projectId: string; live: number; trashed: number }>`
        select project_id as "projectId", (count(*) filter (where deleted_at is null))::int as live, (count(*) filter (where deleted_at is not null))::int as trashed
        from dashboards where tenant_id = ${this.tenantId()} and project_id = any(cast(${[...projectIds]} as uuid[]))
        group by project_id`,
    );
  }

  private selectFields() {
    return dashboardFieldsSelect(this.em.getKysely<DashboardTables>(), this.tenantId());
  }
}

/**
 * A live dashboard with its contents as a jsonb column, in one statement. Exported for the
 * benchmark's thin twin, which must run the very same statement.
 */
export function dashboardWithContentsSelect(
  db: Kysely<DashboardTables>,
  tenantId: string,
  id: string,
  contentsOf: ContentsOf,
  unchangedAt?: NoneMatch,
) {
  const contents = contentsUnless(contentsOf({ tenantId: sql.ref('d.tenant_id'), id: sql.ref('d.id') }), unchangedAt);
  return dashboardFieldsSelect(db, tenantId).select(contents.as('contents')).where('d.id', '=', id).where('d.deleted_at', 'is', null);
}

function dashboardFieldsSelect(db: Kysely<DashboardTables>, tenantId: string) {
  return db
    .selectFrom('dashboards as d')
    .select([
      'd.id',
      'd.name',
      'd.description',
      'd.project_id as projectId',
      sql.ref<DashboardFields['layout']>('d.layout').as('layout'),
      sql.ref<unknown[]>('d.filters').as('filters'),
      'd.owner_id as ownerId',
      'd.is_public as isPublic',
      'd.allowed_viewers as allowedViewers',
      'd.version',
      'd.created_at as createdAt',
      'd.updated_at as updatedAt',
      'd.updated_by as updatedBy',
    ])
    .where('d.tenant_id', '=', tenantId);
}

/** The list filters as one condition over the dashboards at alias `d` (each value bound). */
function matching(filters: DashboardFilters): SqlFragment<boolean> {
  const conditions: SqlFragment<boolean>[] = [sql<boolean>`true`];
  if (filters.visibleTo !== undefined) {
    const user = filters.visibleTo;
    conditions.push(
      sql<boolean>`(${sql.ref('d.owner_id')} = ${user} or ${sql.ref('d.is_public')} or ${sql.ref('d.allowed_viewers')} @> cast(${[user]} as text[]))`,
    );
  }
  if (filters.ownerId !== undefined) conditions.push(sql<boolean>`${sql.ref('d.owner_id')} = ${filters.ownerId}`);
  if (filters.projectId !== undefined) conditions.push(sql<boolean>`${sql.ref('d.project_id')} = cast(${filters.projectId} as uuid)`);
  if (filters.nameContains !== undefined)
    conditions.push(sql<boolean>`${sql.ref('d.name')} ilike ${containsPattern(filters.nameContains)}`);
  return sql<boolean>`${sql.join(conditions, sql` and `)}`;
}

/**
 * The contents, unless the dashboard is at a version the client already has (If-None-Match): then
 * null, and the widgets are not read at all (CASE evaluates its branch only when taken).
 */
function contentsUnless(contents: SqlFragment<unknown[]>, unchangedAt: NoneMatch | undefined): SqlFragment<unknown[] | null> {
  if (unchangedAt === '*') return sql<null>`null`;
  if (unchangedAt === undefined || unchangedAt.length === 0) return contents;
  return sql<unknown[] | null>`case when ${sql.ref('d.version')} = any(cast(${[...unchangedAt]} as int[])) then null else ${contents} end`;
}

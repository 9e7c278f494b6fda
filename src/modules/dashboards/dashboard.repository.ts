import { TenantRepository } from '../../platform/database/tenant-repository.js';
import { LockMode, type RequiredEntityData } from '@mikro-orm/core';
import type { CompiledQuery } from 'kysely';
import { EXAMPLE_ID, RecordSql } from '../../platform/database/sql/record-sql.decorator.js';
import { containsPattern, queryRow, sql, type SqlFragment } from '../../platform/database/sql/sql.js';
import { keysetPage, NEWEST_FIRST, type SortKey } from '../../platform/pagination/keyset.js';
import type { Page, PageQuery } from '../../platform/pagination/page.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import type { DashboardRef } from '../widgets/dashboard-widgets.service.js';
import type { Dashboard } from './dashboard.entity.js';
import type { DashboardTables } from './dashboard.tables.js';
import type { DashboardFields } from './dashboard.view.js';

/** Which live dashboards a list shows: `visibleTo` a user (else all, for an admin), of an owner, names containing a text. */
export interface DashboardFilters {
  visibleTo?: string;
  ownerId?: string;
  nameContains?: string;
}

export type TrashedDashboardFields = DashboardFields & { deletedAt: string; deletedBy: string };

/** The contents (widgets) embedded in the dashboard's single read, given how to name the dashboard. */
export type ContentsOf = (dashboard: DashboardRef) => SqlFragment<unknown[]>;

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
  @RecordSql([EXAMPLE_ID, NO_CONTENTS])
  async withContents(id: string, contentsOf: ContentsOf): Promise<(DashboardFields & { contents: unknown[] }) | undefined> {
    const contents = contentsOf({ tenantId: sql.ref('d.tenant_id'), id: sql.ref('d.id') });
    return queryRow(this.em, this.selectFields().select(contents.as('contents')).where('d.id', '=', id).where('d.deleted_at', 'is', null));
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

  /** Live dashboards, newest first. */
  @RecordSql([{}, EXAMPLE_PAGE], [{ visibleTo: 'user-1', ownerId: 'user-2', nameContains: 'sales' }, EXAMPLE_PAGE])
  async page(filters: DashboardFilters, query: PageQuery): Promise<Page<DashboardFields>> {
    let select = this.selectFields().where('d.deleted_at', 'is', null);
    if (filters.visibleTo !== undefined) {
      const user = filters.visibleTo;
      select = select.where((d) => d.or([d('d.owner_id', '=', user), d('d.is_public', '=', true), sql<boolean>`${sql.ref('d.allowed_viewers')} @> cast(${[user]} as text[])`]));
    }
    if (filters.ownerId !== undefined) select = select.where('d.owner_id', '=', filters.ownerId);
    if (filters.nameContains !== undefined) select = select.where('d.name', 'ilike', containsPattern(filters.nameContains));
    return keysetPage(this.em, select, 'd', query, NEWEST_FIRST);
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

  private selectFields() {
    return this.em
      .getKysely<DashboardTables>()
      .selectFrom('dashboards as d')
      .select([
        'd.id',
        'd.name',
        'd.description',
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
      .where('d.tenant_id', '=', TenantContext.current().tenantId);
  }
}

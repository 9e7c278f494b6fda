import type { CompiledQuery, Expression } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { EXAMPLE_ID, RecordSql } from '../../platform/database/sql/record-sql.decorator.js';
import { isoInstant, queryRow, queryRows, type SqlFragment, sql } from '../../platform/database/sql/sql.js';
import { TenantRepository } from '../../platform/database/tenant-repository.js';
import { keysetPage, type SortKey } from '../../platform/pagination/keyset.js';
import type { Page, PageQuery } from '../../platform/pagination/page.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import type { ContentsOf } from './dashboard.repository.js';
import type { DashboardTables } from './dashboard.tables.js';
import type { DashboardVersion } from './dashboard-version.entity.js';

/** Who a version is read for: everything (an admin), or what `actorId` could see while it was current. */
export type VersionReader = { admin: true } | { admin: false; actorId: string };

export type VersionSummary = Pick<DashboardVersion, 'id' | 'version' | 'savedBy' | 'savedAt' | 'replacedBy' | 'replacedAt'>;
export type KeptVersion = Omit<VersionSummary, 'id'> & { dashboard: Record<string, unknown> };

/** What a dashboard's contents are made of, for keeping them: how to read them, and which of their members are large. */
export interface ContentsShape {
  contentsOf: ContentsOf;
  largeMembers: readonly string[];
}

const NEWEST_VERSION_FIRST: SortKey<{ id: string; version: number }> = {
  name: 'version',
  expression: (alias) => sql.ref(`${alias}.version`),
  type: 'int4',
  valueOf: (row) => row.version,
};

const EXAMPLE_PAGE: PageQuery = { limit: 50 };
const EXAMPLE_INSTANT = new Date('2026-01-01T00:00:00Z');
const EXAMPLE_READER: VersionReader = { admin: false, actorId: 'user-1' };
/** Recordings show the archive with empty contents; the widgets' own expression is recorded with the widgets. */
const EXAMPLE_SHAPE: ContentsShape = { contentsOf: () => sql<unknown[]>`'[]'::jsonb`, largeMembers: ['query', 'config'] };

/** The SHA-256 (hex) of a jsonb value's text, which jsonb makes canonical. */
const sha256Hex = (jsonb: Expression<unknown>) => sql<string>`encode(sha256(convert_to((${jsonb})::text, 'UTF8')), 'hex')`;

/** The member of a kept widget that names its content (see DashboardWidgetList). */
const contentRef = (item: Expression<unknown>) => sql<string>`${item}->>'contentSha256'`;

/**
 * Whether the version at `alias` was visible to the reader while it was current, by the sharing it
 * had then (its snapshot's owner, isPublic and allowedViewers).
 */
function visibleTo(alias: string, reader: VersionReader): SqlFragment<boolean> {
  if (reader.admin) return sql<boolean>`true`;
  const snapshot = sql.ref(`${alias}.snapshot`);
  return sql<boolean>`(${snapshot}->>'ownerId' = ${reader.actorId} or (${snapshot}->>'isPublic')::boolean
    or ${snapshot}->'allowedViewers' @> jsonb_build_array(cast(${reader.actorId} as text)))`;
}

/**
 * Where a dashboard's history is stored. A version holds the dashboard's own fields and refers to a
 * widget list by hash; a list holds the widgets without their large members, each referring to a
 * content by hash. Lists and contents are content-addressed per dashboard, so a version that changes
 * only the dashboard's fields adds one small row, and one that changes a widget adds that widget's
 * content and a list. All of it is written and removed under the dashboard's row lock (ADR 0003), so
 * nothing can reference a list or content while another change removes it; a read is one statement,
 * consistent by itself. Every statement names the tenant; row-level security holds underneath.
 */
export class DashboardHistoryRepository extends TenantRepository<DashboardVersion> {
  /**
   * Keeps the dashboard's current state (as stored: call before changing it) as a version replaced
   * by the current actor at `replacedAt`, adding the contents and list it needs that are not kept
   * yet. One statement, whatever the number of widgets.
   */
  @RecordSql([EXAMPLE_ID, EXAMPLE_INSTANT, EXAMPLE_SHAPE])
  async archive(dashboardId: string, replacedAt: Date, shape: ContentsShape): Promise<void> {
    const { tenantId, actorId } = TenantContext.current();
    await queryRows(this.em, archiveStatement(tenantId, actorId, dashboardId, replacedAt, shape));
  }

  /**
   * Deletes the dashboard's versions older than `oldestKept` or replaced before `cutoff`, then the
   * lists and contents only they used. One statement; returns how many versions went.
   */
  @RecordSql([EXAMPLE_ID, 10, EXAMPLE_INSTANT])
  async prune(dashboardId: string, oldestKept: number, cutoff: Date): Promise<number> {
    const row = await queryRow(this.em, pruneStatement(this.tenantId(), dashboardId, oldestKept, cutoff));
    return row?.versions ?? 0;
  }

  /** The versions the reader may see, newest first. */
  @RecordSql([EXAMPLE_ID, EXAMPLE_READER, EXAMPLE_PAGE], [EXAMPLE_ID, { admin: true }, EXAMPLE_PAGE])
  async page(dashboardId: string, reader: VersionReader, query: PageQuery): Promise<Page<VersionSummary>> {
    const select = this.em
      .getKysely<DashboardTables>()
      .selectFrom('dashboard_versions as v')
      .select([
        'v.id',
        'v.version',
        'v.saved_by as savedBy',
        'v.saved_at as savedAt',
        'v.replaced_by as replacedBy',
        'v.replaced_at as replacedAt',
      ])
      .where('v.tenant_id', '=', TenantContext.current().tenantId)
      .where('v.dashboard_id', '=', dashboardId)
      .where(visibleTo('v', reader));
    const page = await keysetPage(this.em, select, 'v', query, NEWEST_VERSION_FIRST);
    return { ...page, items: page.items.map((row) => ({ ...row, savedAt: new Date(row.savedAt), replacedAt: new Date(row.replacedAt) })) };
  }

  /** A version with the dashboard's full state at it (fields and widgets, as the API showed them), if the reader may see it. */
  @RecordSql([EXAMPLE_ID, 1, EXAMPLE_READER])
  async kept(dashboardId: string, version: number, reader: VersionReader): Promise<KeptVersion | undefined> {
    const row = await queryRow(
      this.em,
      sql<
        KeptVersion & { savedAt: string; replacedAt: string }
      >`select v.version, v.saved_by as "savedBy", v.saved_at as "savedAt", v.replaced_by as "replacedBy", v.replaced_at as "replacedAt",
              v.snapshot || jsonb_build_object('widgets', coalesce((
                select jsonb_agg((w.item - 'contentSha256') || c.content order by w.position)
                from dashboard_widget_lists l
                cross join lateral jsonb_array_elements(l.widgets) with ordinality as w(item, position)
                join dashboard_widget_contents c on c.tenant_id = l.tenant_id and c.dashboard_id = l.dashboard_id and c.hash = ${contentRef(sql.ref('w.item'))}
                where l.tenant_id = v.tenant_id and l.dashboard_id = v.dashboard_id and l.hash = v.widget_list_hash), '[]'::jsonb)) as dashboard
       from dashboard_versions v
       where v.tenant_id = ${TenantContext.current().tenantId} and v.dashboard_id = ${dashboardId} and v.version = ${version} and ${visibleTo('v', reader)}`,
    );
    return row && { ...row, savedAt: new Date(row.savedAt), replacedAt: new Date(row.replacedAt) };
  }

  /**
   * Up to `limit` of the tenant's dashboards (live or trashed) with versions replaced before
   * `cutoff`, locked for a change; one being changed right now is skipped (that change prunes it).
   */
  @RecordSql([EXAMPLE_INSTANT, 500])
  lockWithVersionsBefore(cutoff: Date, limit: number): Promise<{ id: string; version: number }[]> {
    const { tenantId } = TenantContext.current();
    return queryRows(
      this.em,
      sql<{ id: string; version: number }>`select d.id, d.version from dashboards d
       where d.tenant_id = ${tenantId} and d.id in (select v.dashboard_id from dashboard_versions v where v.tenant_id = ${tenantId} and v.replaced_at < ${cutoff})
       order by d.id limit ${limit} for update of d skip locked`,
    );
  }

  /**
   * The tenants with versions replaced before `cutoff`, across tenants: a statement for the schema
   * owner (MaintenanceDatabase), whose maintenance policy allows this one read.
   */
  tenantsWithVersionsBefore(cutoff: Date): CompiledQuery<{ tenant_id: string }> {
    return sql<{ tenant_id: string }>`select distinct tenant_id from dashboard_versions where replaced_at < ${cutoff}`.compile(
      this.em.getKysely(),
    );
  }
}

/** A dashboard's own fields as jsonb, as the API shows them, for the dashboard at `alias`. */
function fieldsJson(alias: string): SqlFragment<Record<string, unknown>> {
  const column = (name: string) => sql.ref(`${alias}.${name}`);
  return sql`jsonb_build_object('id', ${column('id')}, 'name', ${column('name')}, 'description', ${column('description')}, 'projectId', ${column('project_id')}, 'layout', ${column('layout')},
    'filters', ${column('filters')}, 'ownerId', ${column('owner_id')}, 'isPublic', ${column('is_public')}, 'allowedViewers', to_jsonb(${column('allowed_viewers')}),
    'version', ${column('version')}, 'createdAt', ${isoInstant(column('created_at'))}, 'updatedAt', ${isoInstant(column('updated_at'))},
    'updatedBy', ${column('updated_by')})`;
}

/** DashboardHistoryRepository.archive's statement. Exported for the benchmark's thin twin, which runs the same one. */
export function archiveStatement(tenantId: string, actorId: string, dashboardId: string, replacedAt: Date, shape: ContentsShape) {
  const large = [...shape.largeMembers];
  const contents = shape.contentsOf({ tenantId: sql.ref('d.tenant_id'), id: sql.ref('d.id') });
  return sql`with state as (
     select d.tenant_id, d.id, d.version, d.updated_by, d.updated_at, ${fieldsJson('d')} as fields, ${contents} as widgets
     from dashboards d where d.tenant_id = ${tenantId} and d.id = ${dashboardId}
   ),
   items as (
     select s.tenant_id, s.id as dashboard_id, w.position, w.item - cast(${large} as text[]) as stub,
            (select coalesce(jsonb_object_agg(m.key, m.value), '{}'::jsonb) from jsonb_each(w.item) m where m.key = any(cast(${large} as text[]))) as content
     from state s cross join lateral jsonb_array_elements(s.widgets) with ordinality as w(item, position)
   ),
   hashed as (select i.*, ${sha256Hex(sql.ref('i.content'))} as hash from items i),
   new_contents as (
     insert into dashboard_widget_contents (id, tenant_id, dashboard_id, hash, content)
     select distinct on (h.hash) gen_random_uuid(), h.tenant_id, h.dashboard_id, h.hash, h.content from hashed h
     on conflict (tenant_id, dashboard_id, hash) do nothing
   ),
   list as (
     select s.tenant_id, s.id as dashboard_id, l.widgets, ${sha256Hex(sql.ref('l.widgets'))} as hash
     from state s, (select coalesce(jsonb_agg(h.stub || jsonb_build_object('contentSha256', h.hash) order by h.position), '[]'::jsonb) as widgets from hashed h) l
   ),
   new_list as (
     insert into dashboard_widget_lists (id, tenant_id, dashboard_id, hash, widgets)
     select gen_random_uuid(), l.tenant_id, l.dashboard_id, l.hash, l.widgets from list l
     on conflict (tenant_id, dashboard_id, hash) do nothing
   )
   insert into dashboard_versions (id, tenant_id, dashboard_id, version, snapshot, widget_list_hash, saved_by, saved_at, replaced_by, replaced_at)
   select cast(${uuidv7()} as uuid), s.tenant_id, s.id, s.version, s.fields, l.hash, s.updated_by, s.updated_at, cast(${actorId} as text), cast(${replacedAt} as timestamptz)
   from state s, list l`;
}

/** DashboardHistoryRepository.prune's statement. Exported for the benchmark's thin twin, which runs the same one. */
export function pruneStatement(tenantId: string, dashboardId: string, oldestKept: number, cutoff: Date) {
  const keptBy = (version: string) =>
    sql<boolean>`(${sql.ref(`${version}.version`)} >= ${oldestKept} and ${sql.ref(`${version}.replaced_at`)} >= ${cutoff})`;
  // Every part of one statement sees the rows as they were before it: a list still looks used by
  // the versions being pruned, and a content by the lists being deleted. Hence "kept" versions
  // and "not dead" lists below.
  return sql<{ versions: number }>`with pruned as (
       delete from dashboard_versions v
       where v.tenant_id = ${tenantId} and v.dashboard_id = ${dashboardId} and not ${keptBy('v')}
       returning v.widget_list_hash as hash
     ),
     dead_lists as (
       delete from dashboard_widget_lists l
       where l.tenant_id = ${tenantId} and l.dashboard_id = ${dashboardId} and l.hash in (select hash from pruned)
         and not exists (select from dashboard_versions v
                         where v.tenant_id = l.tenant_id and v.dashboard_id = l.dashboard_id and v.widget_list_hash = l.hash and ${keptBy('v')})
       returning l.hash, l.widgets
     ),
     dead_contents as (
       delete from dashboard_widget_contents c
       where c.tenant_id = ${tenantId} and c.dashboard_id = ${dashboardId}
         and c.hash in (select ${contentRef(sql.ref('w.item'))} from dead_lists d cross join lateral jsonb_array_elements(d.widgets) as w(item))
         and not exists (select from dashboard_widget_lists l cross join lateral jsonb_array_elements(l.widgets) as w(item)
                         where l.tenant_id = c.tenant_id and l.dashboard_id = c.dashboard_id
                           and l.hash not in (select hash from dead_lists) and ${contentRef(sql.ref('w.item'))} = c.hash)
     )
     select (select count(*) from pruned)::int as versions`;
}

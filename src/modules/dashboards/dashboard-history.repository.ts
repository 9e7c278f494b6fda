import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import { ormKeysetPage, type OrmSortKey } from '../../platform/pagination/keyset.js';
import type { Page, PageQuery } from '../../platform/pagination/page.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import { isoInstant } from '../shared/sql-json.js';
import { DashboardContents } from './dashboard-content.js';
import { DashboardVersion } from './dashboard-version.entity.js';

/** Who a version is read for: everything (an admin), or what `actorId` could see while it was current. */
export type VersionReader = { admin: true } | { admin: false; actorId: string };

export type VersionSummary = Pick<DashboardVersion, 'version' | 'savedBy' | 'savedAt' | 'replacedBy' | 'replacedAt'>;
export type KeptVersion = VersionSummary & { dashboard: Record<string, unknown> };

/** The member of a kept widget that names its content (see DashboardWidgetList). */
const CONTENT_REF = 'contentSha256';

const NEWEST_VERSION_FIRST: OrmSortKey<DashboardVersion> = {
  name: 'version',
  expression: (alias) => `${alias}.version`,
  type: 'int4',
  valueOf: (row) => row.version,
};

/** SQL: the SHA-256 (hex) of a jsonb value's text, which jsonb makes canonical. */
const sha256Hex = (jsonb: string) => `encode(sha256(convert_to((${jsonb})::text, 'UTF8')), 'hex')`;

/**
 * SQL: whether the version at `alias` was visible to the reader while it was current, by the sharing
 * it had then (its snapshot's owner, isPublic and allowedViewers); parameters from readerParams().
 */
const visibleTo = (alias: string) =>
  `(?::boolean or ${alias}.snapshot->>'ownerId' = ? or (${alias}.snapshot->>'isPublic')::boolean
    or ${alias}.snapshot->'allowedViewers' @> jsonb_build_array(?::text))`;
const readerParams = (reader: VersionReader) => (reader.admin ? [true, '', ''] : [false, reader.actorId, reader.actorId]);

/**
 * Where a dashboard's history is stored. A version holds the dashboard's own fields and refers to a
 * widget list by hash; a list holds the widgets without their large members, each referring to a
 * content by hash. Lists and contents are content-addressed per dashboard, so a version that changes
 * only the dashboard's fields adds one small row, and one that changes a widget adds that widget's
 * content and a list. All of it is written and removed under the dashboard's row lock (ADR 0003), so
 * nothing can reference a list or content while another change removes it; a read is one statement,
 * consistent by itself. Every statement names the tenant; row-level security holds underneath.
 */
@Injectable()
export class DashboardHistoryRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly contents: DashboardContents,
  ) {}

  /**
   * Keeps the dashboard's current state (as stored: call before changing it) as a version replaced
   * by the current actor at `replacedAt`, adding the contents and list it needs that are not kept
   * yet. One statement, whatever the number of widgets.
   */
  async archive(dashboardId: string, replacedAt: Date): Promise<void> {
    const { tenantId, actorId } = TenantContext.current();
    const large = [...this.contents.largeMembers];
    await this.em.execute(
      `with state as (
         select d.tenant_id, d.id, d.version, d.updated_by, d.updated_at, ${fieldsJson('d')} as fields, ${this.contents.jsonOf('d')} as widgets
         from dashboards d where d.tenant_id = ? and d.id = ?
       ),
       items as (
         select s.tenant_id, s.id as dashboard_id, w.position, w.item - array[?]::text[] as stub,
                (select coalesce(jsonb_object_agg(m.key, m.value), '{}'::jsonb) from jsonb_each(w.item) m where m.key = any(array[?]::text[])) as content
         from state s cross join lateral jsonb_array_elements(s.widgets) with ordinality as w(item, position)
       ),
       hashed as (select i.*, ${sha256Hex('i.content')} as hash from items i),
       new_contents as (
         insert into dashboard_widget_contents (id, tenant_id, dashboard_id, hash, content)
         select distinct on (h.hash) gen_random_uuid(), h.tenant_id, h.dashboard_id, h.hash, h.content from hashed h
         on conflict (tenant_id, dashboard_id, hash) do nothing
       ),
       list as (
         select s.tenant_id, s.id as dashboard_id, l.widgets, ${sha256Hex('l.widgets')} as hash
         from state s, (select coalesce(jsonb_agg(h.stub || jsonb_build_object('${CONTENT_REF}', h.hash) order by h.position), '[]'::jsonb) as widgets from hashed h) l
       ),
       new_list as (
         insert into dashboard_widget_lists (id, tenant_id, dashboard_id, hash, widgets)
         select gen_random_uuid(), l.tenant_id, l.dashboard_id, l.hash, l.widgets from list l
         on conflict (tenant_id, dashboard_id, hash) do nothing
       )
       insert into dashboard_versions (id, tenant_id, dashboard_id, version, snapshot, widget_list_hash, saved_by, saved_at, replaced_by, replaced_at)
       select ?, s.tenant_id, s.id, s.version, s.fields, l.hash, s.updated_by, s.updated_at, ?, ?::timestamptz from state s, list l`,
      [tenantId, dashboardId, large, large, uuidv7(), actorId, replacedAt.toISOString()],
    );
  }

  /**
   * Deletes the dashboard's versions older than `oldestKept` or replaced before `cutoff`, then the
   * lists and contents only they used. One statement; returns how many versions went.
   */
  async prune(dashboardId: string, oldestKept: number, cutoff: Date): Promise<number> {
    const { tenantId } = TenantContext.current();
    const scope = [tenantId, dashboardId];
    const kept = [oldestKept, cutoff.toISOString()];
    // Every part of one statement sees the rows as they were before it: a list still looks used by
    // the versions being pruned, and a content by the lists being deleted. Hence "kept" versions
    // and "not dead" lists below.
    const [{ versions }] = await this.em.execute<{ versions: number }[]>(
      `with pruned as (
         delete from dashboard_versions v
         where v.tenant_id = ? and v.dashboard_id = ? and not (v.version >= ? and v.replaced_at >= ?::timestamptz)
         returning v.widget_list_hash as hash
       ),
       dead_lists as (
         delete from dashboard_widget_lists l
         where l.tenant_id = ? and l.dashboard_id = ? and l.hash in (select hash from pruned)
           and not exists (select from dashboard_versions v
                           where v.tenant_id = l.tenant_id and v.dashboard_id = l.dashboard_id and v.widget_list_hash = l.hash
                             and v.version >= ? and v.replaced_at >= ?::timestamptz)
         returning l.hash, l.widgets
       ),
       dead_contents as (
         delete from dashboard_widget_contents c
         where c.tenant_id = ? and c.dashboard_id = ?
           and c.hash in (select w.item->>'${CONTENT_REF}' from dead_lists d cross join lateral jsonb_array_elements(d.widgets) as w(item))
           and not exists (select from dashboard_widget_lists l cross join lateral jsonb_array_elements(l.widgets) as w(item)
                           where l.tenant_id = c.tenant_id and l.dashboard_id = c.dashboard_id
                             and l.hash not in (select hash from dead_lists) and w.item->>'${CONTENT_REF}' = c.hash)
       )
       select (select count(*) from pruned)::int as versions`,
      [...scope, ...kept, ...scope, ...kept, ...scope],
    );
    return versions;
  }

  /** The versions the reader may see, newest first. */
  async page(dashboardId: string, reader: VersionReader, query: PageQuery): Promise<Page<VersionSummary & { id: string }>> {
    const qb = this.em
      .createQueryBuilder(DashboardVersion, 'v')
      .select(['id', 'version', 'savedBy', 'savedAt', 'replacedBy', 'replacedAt'])
      .where({ dashboardId })
      .andWhere(visibleTo('v'), readerParams(reader));
    return ormKeysetPage<DashboardVersion>(qb, query, NEWEST_VERSION_FIRST);
  }

  /** A version with the dashboard's full state at it (fields and widgets, as the API showed them), if the reader may see it. */
  async find(dashboardId: string, version: number, reader: VersionReader): Promise<KeptVersion | undefined> {
    const [kept] = await this.em.execute<KeptVersion[]>(
      `select v.version, v.saved_by as "savedBy", v.saved_at as "savedAt", v.replaced_by as "replacedBy", v.replaced_at as "replacedAt",
              v.snapshot || jsonb_build_object('widgets', coalesce((
                select jsonb_agg((w.item - '${CONTENT_REF}') || c.content order by w.position)
                from dashboard_widget_lists l
                cross join lateral jsonb_array_elements(l.widgets) with ordinality as w(item, position)
                join dashboard_widget_contents c on c.tenant_id = l.tenant_id and c.dashboard_id = l.dashboard_id and c.hash = w.item->>'${CONTENT_REF}'
                where l.tenant_id = v.tenant_id and l.dashboard_id = v.dashboard_id and l.hash = v.widget_list_hash), '[]'::jsonb)) as dashboard
       from dashboard_versions v
       where v.tenant_id = ? and v.dashboard_id = ? and v.version = ? and ${visibleTo('v')}`,
      [TenantContext.current().tenantId, dashboardId, version, ...readerParams(reader)],
    );
    return kept;
  }

  /**
   * Up to `limit` of the tenant's dashboards (live or trashed) with versions replaced before
   * `cutoff`, locked for a change; one being changed right now is skipped (that change prunes it).
   */
  async lockWithVersionsBefore(cutoff: Date, limit: number): Promise<{ id: string; version: number }[]> {
    const { tenantId } = TenantContext.current();
    return this.em.execute(
      `select d.id, d.version from dashboards d
       where d.tenant_id = ? and d.id in (select v.dashboard_id from dashboard_versions v where v.tenant_id = ? and v.replaced_at < ?::timestamptz)
       order by d.id limit ? for update of d skip locked`,
      [tenantId, tenantId, cutoff.toISOString(), limit],
    );
  }
}

/** SQL: a dashboard's own fields as jsonb, as the API shows them, for the dashboard at `alias` (static SQL). */
function fieldsJson(alias: string): string {
  return `jsonb_build_object('id', ${alias}.id, 'name', ${alias}.name, 'description', ${alias}.description, 'layout', ${alias}.layout,
    'filters', ${alias}.filters, 'ownerId', ${alias}.owner_id, 'isPublic', ${alias}.is_public, 'allowedViewers', to_jsonb(${alias}.allowed_viewers),
    'version', ${alias}.version, 'createdAt', ${isoInstant(`${alias}.created_at`)}, 'updatedAt', ${isoInstant(`${alias}.updated_at`)},
    'updatedBy', ${alias}.updated_by)`;
}

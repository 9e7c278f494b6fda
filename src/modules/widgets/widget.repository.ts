import type { Expression } from 'kysely';
import { EXAMPLE_ID, RecordSql } from '../../platform/database/sql/record-sql.decorator.js';
import { isoInstant, queryRow, queryRows, type SqlFragment, sql } from '../../platform/database/sql/sql.js';
import { TenantRepository } from '../../platform/database/tenant-repository.js';
import type { Widget } from './widget.entity.js';
import type { WidgetJson } from './widget.view.js';

/** A widget's place on its dashboard's grid, as stored. */
export interface GridBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The fields of a widget to insert (ids and instants default like the entity's). */
export type NewWidget = Pick<Widget, 'dashboardId' | 'type' | 'title' | 'query' | 'savedQueryId' | 'config'> &
  GridBox &
  Partial<Pick<Widget, 'id' | 'createdAt' | 'updatedAt'>>;

/** How a statement of another module names the dashboard whose widgets it embeds. */
export interface DashboardRef {
  tenantId: Expression<string>;
  id: Expression<string>;
}

const EXAMPLE_WIDGET: NewWidget = {
  dashboardId: EXAMPLE_ID,
  type: 'text',
  title: 'Notes',
  query: null,
  savedQueryId: null,
  config: {},
  x: 0,
  y: 0,
  w: 6,
  h: 4,
};

/**
 * The SQL of widgets. Statements written in SQL name the tenant themselves (they are not filtered by
 * the ORM), and row-level security holds underneath regardless.
 */
export class WidgetRepository extends TenantRepository<Widget> {
  /** The tenant's widget, re-read from the database when `fresh` (e.g. under its dashboard's lock). */
  @RecordSql([EXAMPLE_ID, true])
  byId(id: string, fresh = false): Promise<Widget | null> {
    return this.findOne({ id }, { refresh: fresh });
  }

  @RecordSql([EXAMPLE_ID])
  countOn(dashboardId: string): Promise<number> {
    return this.count({ dashboardId });
  }

  /** Inserts the widget at once (a foreign key refuses a saved query of another tenant here). */
  @RecordSql([EXAMPLE_WIDGET])
  async add(fields: NewWidget): Promise<Widget> {
    const widget = this.create(fields);
    await this.em.flush();
    return widget;
  }

  /** Returns whether the widget existed. */
  @RecordSql([EXAMPLE_ID])
  async remove(id: string): Promise<boolean> {
    return (await this.nativeDelete({ id })) > 0;
  }

  /** The widgets of the dashboard become exactly `widgets` (ids kept): one delete, one insert. */
  @RecordSql([EXAMPLE_ID, [{ ...EXAMPLE_WIDGET, id: EXAMPLE_ID }]])
  async replaceAll(dashboardId: string, widgets: readonly NewWidget[]): Promise<void> {
    await this.nativeDelete({ dashboardId });
    for (const widget of widgets) this.create({ ...widget, dashboardId });
    await this.em.flush();
  }

  /**
   * Moves widgets of the dashboard in one statement; returns the ids it found there (a widget of
   * another dashboard or tenant is not among them, and does not move).
   */
  @RecordSql([EXAMPLE_ID, [{ widgetId: EXAMPLE_ID, x: 0, y: 4, w: 6, h: 4 }], new Date('2026-01-01T00:00:00Z')])
  async move(dashboardId: string, moves: readonly (GridBox & { widgetId: string })[], at: Date): Promise<string[]> {
    const rows = await queryRows(this.em, moveStatement(this.tenantId(), dashboardId, moves, at));
    return rows.map((row) => row.id);
  }

  /** The bytes of the dashboard's widget configs and queries, as JSON text. */
  @RecordSql([EXAMPLE_ID])
  async contentBytes(dashboardId: string): Promise<number> {
    const row = await queryRow(
      this.em,
      sql<{ bytes: number }>`
        select coalesce(sum(octet_length(config::text) + coalesce(octet_length(query::text), 0)), 0)::int as bytes
        from widgets where tenant_id = ${this.tenantId()} and dashboard_id = ${dashboardId}`,
    );
    return row?.bytes ?? 0;
  }

  /** The rightmost grid column any widget of the dashboard reaches (0 without widgets). */
  @RecordSql([EXAMPLE_ID])
  async widestExtent(dashboardId: string): Promise<number> {
    const row = await queryRow(
      this.em,
      sql<{
        widest: number;
      }>`select coalesce(max(x + w), 0)::int as widest from widgets where tenant_id = ${this.tenantId()} and dashboard_id = ${dashboardId}`,
    );
    return row?.widest ?? 0;
  }

  /**
   * How many widgets the dashboard `dashboard` names has: an expression for another statement to
   * embed (a list's page counts each of its dashboards' widgets in the page's own statement), read
   * from the (tenant, dashboard, …) index alone.
   */
  countOf(dashboard: DashboardRef): SqlFragment<number> {
    return sql<number>`(select count(*)::int from widgets wg where wg.tenant_id = ${dashboard.tenantId} and wg.dashboard_id = ${dashboard.id})`;
  }

  /**
   * The widgets of the dashboard `dashboard` names, as a jsonb array of widget JSON ordered by
   * position (y, x, id; the index's order): an expression for another statement to embed, so that
   * a dashboard is read with its widgets in one statement. Correlated by the dashboard's tenant.
   */
  contentsOf(dashboard: DashboardRef): SqlFragment<WidgetJson[]> {
    return widgetContentsOf(dashboard);
  }
}

/** WidgetRepository.contentsOf, as a plain function for the benchmark's thin twin, which embeds the same expression. */
export function widgetContentsOf(dashboard: DashboardRef): SqlFragment<WidgetJson[]> {
  return sql<WidgetJson[]>`(
    select coalesce(jsonb_agg(jsonb_build_object('id', wg.id, 'dashboardId', wg.dashboard_id, 'type', wg.type, 'title', wg.title,
      'query', wg.query, 'savedQueryId', wg.saved_query_id, 'position', jsonb_build_object('x', wg.x, 'y', wg.y, 'w', wg.w, 'h', wg.h),
      'config', wg.config, 'createdAt', ${isoInstant(sql.ref('wg.created_at'))}, 'updatedAt', ${isoInstant(sql.ref('wg.updated_at'))})
      order by wg.y, wg.x, wg.id), '[]'::jsonb)
    from widgets wg where wg.tenant_id = ${dashboard.tenantId} and wg.dashboard_id = ${dashboard.id})`;
}

/** WidgetRepository.move's statement. Exported for the benchmark's thin twin, which runs the same one. */
export function moveStatement(tenantId: string, dashboardId: string, moves: readonly (GridBox & { widgetId: string })[], at: Date) {
  return sql<{ id: string }>`
    update widgets as wg set x = m.x, y = m.y, w = m.w, h = m.h, updated_at = ${at}
    from jsonb_to_recordset(cast(${JSON.stringify(moves.map(({ widgetId, x, y, w, h }) => ({ widget_id: widgetId, x, y, w, h })))} as jsonb))
      as m(widget_id uuid, x int, y int, w int, h int)
    where wg.tenant_id = ${tenantId} and wg.dashboard_id = ${dashboardId} and wg.id = m.widget_id
    returning wg.id`;
}

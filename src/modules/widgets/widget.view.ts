import { isoInstant } from '../shared/sql-json.js';
import type { Widget } from './widget.entity.js';

export function widgetView(widget: Widget) {
  return {
    id: widget.id,
    dashboardId: widget.dashboardId,
    type: widget.type,
    title: widget.title,
    query: widget.query ?? null,
    savedQueryId: widget.savedQueryId ?? null,
    position: { x: widget.x, y: widget.y, w: widget.w, h: widget.h },
    config: widget.config,
    createdAt: widget.createdAt,
    updatedAt: widget.updatedAt,
  };
}
export type WidgetView = ReturnType<typeof widgetView>;

/**
 * The widgets of the dashboard at `dashboardAlias` as a jsonb array of widgetView()s, ordered by
 * position (y, then x): what single dashboard reads and history snapshots embed. Static SQL.
 */
export function widgetsJson(dashboardAlias: string): string {
  return `(select coalesce(jsonb_agg(jsonb_build_object('id', wg.id, 'dashboardId', wg.dashboard_id, 'type', wg.type, 'title', wg.title,
      'query', wg.query, 'savedQueryId', wg.saved_query_id, 'position', jsonb_build_object('x', wg.x, 'y', wg.y, 'w', wg.w, 'h', wg.h),
      'config', wg.config, 'createdAt', ${isoInstant('wg.created_at')}, 'updatedAt', ${isoInstant('wg.updated_at')}) order by wg.y, wg.x, wg.id), '[]'::jsonb)
    from widgets wg where wg.tenant_id = ${dashboardAlias}.tenant_id and wg.dashboard_id = ${dashboardAlias}.id)`;
}

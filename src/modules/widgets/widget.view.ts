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

/** A widgetView() as JSON (instants as ISO strings): what dashboard reads and history snapshots hold. */
export type WidgetJson = Omit<WidgetView, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string };

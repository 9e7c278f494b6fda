import type { Widget } from './widget.entity.js';
import { TEXT_WIDGET, type WidgetType } from './widget-type.js';

/**
 * A widget being built: a type that shows query results, saved without a query yet. Derived, never
 * stored; a draft is shown and kept like any widget and only has nothing to execute.
 */
export function isDraft(widget: { type: WidgetType; query?: unknown }): boolean {
  return widget.type !== TEXT_WIDGET && widget.query == null;
}

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
    draft: isDraft(widget),
    createdAt: widget.createdAt,
    updatedAt: widget.updatedAt,
  };
}
export type WidgetView = ReturnType<typeof widgetView>;

/**
 * A widgetView() as JSON (instants as ISO strings) without what is derived (`draft`): what the
 * widgets' SQL expression gives and history snapshots hold.
 */
export type WidgetJson = Omit<WidgetView, 'createdAt' | 'updatedAt' | 'draft'> & { createdAt: string; updatedAt: string };

/** A widget as every read shows it: its JSON with what is derived from it. */
export type ShownWidget = WidgetJson & { draft: boolean };

export function shownWidget(widget: WidgetJson): ShownWidget {
  return { ...widget, draft: isDraft(widget) };
}

export const WIDGET_TYPES = ['metric', 'table', 'bar_chart', 'line_chart', 'area_chart', 'pie_chart', 'scatter_chart', 'text'] as const;
export type WidgetType = (typeof WIDGET_TYPES)[number];

/** The only type without a query. */
export const TEXT_WIDGET: WidgetType = 'text';

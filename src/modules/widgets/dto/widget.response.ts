import { enumOf, Instant, Integer, JsonObject, namedSchema, nullable, objectOf, Uuid } from '../../../platform/http/openapi.js';
import { WIDGET_TYPES } from '../widget-type.js';

/** The response schemas of the widgets module, matching widget.view.ts. */

export const widgetFields = {
  id: Uuid,
  dashboardId: Uuid,
  type: enumOf(WIDGET_TYPES),
  title: { type: 'string', example: 'Open tasks' },
  query: nullable({ ...JsonObject, description: "The widget's query; null for text widgets and drafts." }),
  savedQueryId: nullable(Uuid),
  position: objectOf({ x: Integer, y: Integer, w: Integer, h: Integer }, { description: 'Grid cells: column, row, width, height.' }),
  config: JsonObject,
  draft: { type: 'boolean', description: 'A type that shows query results, saved without a query yet.' },
  createdAt: Instant,
  updatedAt: Instant,
} as const;

/** A widget as a dashboard read shows it. */
export const DashboardWidgetSchema = namedSchema('DashboardWidget', objectOf(widgetFields, { description: 'A widget of a dashboard.' }));

export const WidgetSchema = namedSchema(
  'Widget',
  objectOf(
    { ...widgetFields, dashboardVersion: { type: 'integer', minimum: 1, description: "Its dashboard's version (also the ETag)." } },
    { description: "A widget, with its dashboard's version." },
  ),
);

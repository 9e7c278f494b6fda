import {
  AnyJson,
  arrayOf,
  Instant,
  Integer,
  JsonObject,
  namedSchema,
  nullable,
  objectOf,
  pageOf,
  Uuid,
} from '../../../platform/http/openapi.js';
import { DashboardWidgetSchema } from '../../widgets/dto/widget.response.js';

/** The response schemas of the dashboards module, matching dashboard.view.ts, dashboard-history.ts and dashboard-configs.service.ts. */

const Version = { type: 'integer', minimum: 1, description: 'Counts changes; the ETag is "<version>".' } as const;

const LayoutSchema = objectOf({
  columns: Integer,
  rowHeight: Integer,
  margin: { ...arrayOf(Integer), minItems: 2, maxItems: 2 },
});

const dashboardFields = {
  id: Uuid,
  name: { type: 'string', example: 'Delivery' },
  description: { type: 'string', nullable: true },
  projectId: nullable(Uuid),
  layout: LayoutSchema,
  filters: arrayOf(AnyJson),
  ownerId: { type: 'string' },
  isPublic: { type: 'boolean' },
  allowedViewers: arrayOf({ type: 'string' }, 'The users, besides its owner and admins, who may see it.'),
  version: Version,
  createdAt: Instant,
  updatedAt: Instant,
  updatedBy: { type: 'string' },
} as const;

export const DashboardSchema = namedSchema(
  'Dashboard',
  objectOf(
    { ...dashboardFields, widgetCount: Integer, widgets: arrayOf(DashboardWidgetSchema, 'Ordered by y, then x.') },
    { description: 'A dashboard with its widgets.' },
  ),
);

export const DashboardListItemSchema = namedSchema(
  'DashboardListItem',
  objectOf({ ...dashboardFields, widgetCount: Integer }, { description: 'A dashboard in a list: its fields and how many widgets it has.' }),
);
export const DashboardPageSchema = pageOf('DashboardPage', DashboardListItemSchema);

export const TrashedDashboardSchema = namedSchema(
  'TrashedDashboard',
  objectOf(
    {
      ...dashboardFields,
      deletedAt: Instant,
      deletedBy: { type: 'string' },
      purgeAt: { ...Instant, description: 'When it leaves the trash for good.' },
    },
    { description: 'A dashboard in the trash, restorable until purgeAt.' },
  ),
);
export const TrashedDashboardPageSchema = pageOf('TrashedDashboardPage', TrashedDashboardSchema);

const versionFields = {
  version: Version,
  savedBy: { type: 'string' },
  savedAt: Instant,
  replacedBy: { type: 'string' },
  replacedAt: Instant,
} as const;

export const DashboardVersionSummarySchema = namedSchema(
  'DashboardVersionSummary',
  objectOf(versionFields, { description: 'A kept version of a dashboard: who saved it, and when a change replaced it.' }),
);
export const DashboardVersionPageSchema = pageOf('DashboardVersionPage', DashboardVersionSummarySchema);

export const DashboardVersionSchema = namedSchema(
  'DashboardVersion',
  objectOf(
    {
      ...versionFields,
      dashboard: {
        ...objectOf(
          { ...dashboardFields, widgetCount: Integer, widgets: arrayOf(DashboardWidgetSchema) },
          { optional: Object.keys(dashboardFields).filter((name) => name !== 'id' && name !== 'name') },
        ),
        additionalProperties: true,
        description: "The dashboard's whole state at this version, as the dashboard read showed it.",
      },
    },
    { description: "A kept version with the dashboard's full state at it." },
  ),
);

export const DashboardConfigSchema = namedSchema(
  'DashboardConfig',
  objectOf(
    {
      dashboardId: Uuid,
      sessionId: { type: 'string', nullable: true, description: "The device session's config; null for the shared one." },
      chartCustomizations: JsonObject,
      theme: nullable(JsonObject),
      layout: nullable(JsonObject),
      filters: arrayOf(AnyJson),
      version: { type: 'integer', minimum: 0, description: '0 before the first PUT; the ETag is "<version>".' },
      dashboardVersion: { type: 'integer', nullable: true, description: "The dashboard's version when the config was saved." },
      updatedAt: nullable(Instant),
    },
    { description: "The caller's own config of a dashboard (empty, version 0, before the first PUT)." },
  ),
);

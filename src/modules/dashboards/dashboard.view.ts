import type { DashboardLayout } from './dashboard.entity.js';

/**
 * The dashboard fields every view shows: from an entity, or a plain row of a list or the single read
 * (whose instants are PostgreSQL's text: the ORM's connection leaves them unparsed).
 */
export interface DashboardFields {
  id: string;
  name: string;
  description?: string | null;
  projectId?: string | null;
  layout: DashboardLayout;
  filters: unknown[];
  ownerId: string;
  isPublic: boolean;
  allowedViewers: string[];
  version: number;
  createdAt: Date | string;
  updatedAt: Date | string;
  updatedBy: string;
}

export function dashboardView(dashboard: DashboardFields) {
  return {
    id: dashboard.id,
    name: dashboard.name,
    description: dashboard.description ?? null,
    projectId: dashboard.projectId ?? null,
    layout: dashboard.layout,
    filters: dashboard.filters,
    ownerId: dashboard.ownerId,
    isPublic: dashboard.isPublic,
    allowedViewers: dashboard.allowedViewers,
    version: dashboard.version,
    createdAt: new Date(dashboard.createdAt),
    updatedAt: new Date(dashboard.updatedAt),
    updatedBy: dashboard.updatedBy,
  };
}
export type DashboardView = ReturnType<typeof dashboardView>;
export type DashboardWithWidgets = DashboardView & { widgetCount: number; widgets: unknown[] };

/** A dashboard of a list: its fields and how many widgets it has (counted in the page's statement). */
export function listedDashboardView(dashboard: DashboardFields & { widgetCount: number }) {
  return { ...dashboardView(dashboard), widgetCount: dashboard.widgetCount };
}
export type ListedDashboardView = ReturnType<typeof listedDashboardView>;

/** A trashed dashboard, with when it will be purged. */
export function trashedDashboardView(dashboard: DashboardFields & { deletedAt: Date | string; deletedBy: string }, retentionDays: number) {
  const deletedAt = new Date(dashboard.deletedAt);
  return {
    ...dashboardView(dashboard),
    deletedAt,
    deletedBy: dashboard.deletedBy,
    purgeAt: new Date(deletedAt.getTime() + retentionDays * 86_400_000),
  };
}

import { Injectable } from '@nestjs/common';
import { changesAnything } from '../../platform/http/patch-body.js';
import type { Precondition } from '../../platform/http/preconditions.js';
import { DashboardWidgets, type WidgetGrid, type WidgetView } from '../widgets/dashboard-widgets.service.js';
import type { CreateWidgetDto } from '../widgets/dto/create-widget.dto.js';
import type { LayoutMoveDto } from '../widgets/dto/layout-move.dto.js';
import type { UpdateWidgetDto } from '../widgets/dto/update-widget.dto.js';
import type { Dashboard } from './dashboard.entity.js';
import { DashboardAccess } from './dashboard-access.js';
import { DashboardChanges } from './dashboard-changes.js';

/** A widget with the version of its dashboard: widget responses carry it as their ETag. */
export type VersionedWidget = WidgetView & { dashboardVersion: number };

/**
 * The widget routes' side of the dashboard aggregate: a widget change is a change of its dashboard
 * (locked, 404/403/412 decided there, the previous state kept, version + 1), made through
 * DashboardChanges; the widgets themselves are the widgets module's (DashboardWidgets).
 */
@Injectable()
export class DashboardWidgetChanges {
  constructor(
    private readonly widgets: DashboardWidgets,
    private readonly changes: DashboardChanges,
    private readonly access: DashboardAccess,
  ) {}

  async create(dashboardId: string, input: CreateWidgetDto, precondition: Precondition | undefined): Promise<VersionedWidget> {
    const checked = await this.widgets.checked(input);
    const { result, version } = await this.changes.run(dashboardId, precondition, (dashboard) =>
      this.widgets.add(gridOf(dashboard), checked),
    );
    return { ...result, dashboardVersion: version };
  }

  /** A widget of a live dashboard the caller may see, else 404. */
  async get(id: string): Promise<VersionedWidget> {
    const widget = await this.widgets.find(id);
    const dashboard = await this.access.visible(widget.dashboardId);
    return { ...widget, dashboardVersion: dashboard.version };
  }

  /** A PATCH naming no field changes nothing: no new dashboard version (the checks still apply). */
  async update(id: string, changes: UpdateWidgetDto, precondition: Precondition | undefined): Promise<VersionedWidget> {
    const { dashboardId } = await this.widgets.find(id);
    if (!changesAnything(changes)) {
      await this.access.lockForChange(dashboardId, precondition);
      return this.get(id);
    }
    const { result, version } = await this.changes.run(dashboardId, precondition, (dashboard) =>
      this.widgets.change(gridOf(dashboard), id, changes),
    );
    return { ...result, dashboardVersion: version };
  }

  async delete(id: string, precondition: Precondition | undefined): Promise<void> {
    const { dashboardId } = await this.widgets.find(id);
    await this.changes.run(dashboardId, precondition, () => this.widgets.remove(id));
  }

  /** Moves many widgets of the dashboard, all or nothing, as one version. */
  async moveMany(dashboardId: string, moves: LayoutMoveDto[], precondition: Precondition | undefined): Promise<void> {
    await this.changes.run(dashboardId, precondition, (dashboard) => this.widgets.move(gridOf(dashboard), moves));
  }
}

function gridOf(dashboard: Dashboard): WidgetGrid {
  return { dashboardId: dashboard.id, columns: dashboard.layout.columns };
}

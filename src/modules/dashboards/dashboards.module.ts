import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { WidgetsModule } from '../widgets/widgets.module.js';
import { Dashboard } from './dashboard.entity.js';
import { DashboardAccess } from './dashboard-access.js';
import { DashboardChanges } from './dashboard-changes.js';
import { DashboardConfigs } from './dashboard-configs.service.js';
import { DashboardHistory } from './dashboard-history.js';
import { DashboardHistoryRetentionJob } from './dashboard-history-retention.job.js';
import { DashboardTrashPurgeJob } from './dashboard-trash-purge.job.js';
import { DashboardUserConfig } from './dashboard-user-config.entity.js';
import { DashboardVersion } from './dashboard-version.entity.js';
import { DashboardWidgetChanges } from './dashboard-widget-changes.service.js';
import { DashboardWidgetContent } from './dashboard-widget-content.entity.js';
import { DashboardWidgetList } from './dashboard-widget-list.entity.js';
import { DashboardsController } from './dashboards.controller.js';
import { DashboardsService } from './dashboards.service.js';
import { TenantSweep } from './tenant-sweep.js';
import { WidgetsController } from './widgets.controller.js';

/**
 * Dashboards as aggregates: their fields, trash, history and per-user configs, and the widget routes
 * (a widget change is a change of its dashboard: locked, versioned, kept in the history). The
 * widgets themselves are the widgets module's, reached through its one export, DashboardWidgets:
 * the dependency runs dashboards → widgets only. Exports DashboardsService (projects count their dashboards through it).
 */
@Module({
  imports: [
    MikroOrmModule.forFeature([Dashboard, DashboardVersion, DashboardWidgetList, DashboardWidgetContent, DashboardUserConfig]),
    WidgetsModule,
  ],
  controllers: [DashboardsController, WidgetsController],
  providers: [
    DashboardsService,
    DashboardWidgetChanges,
    DashboardChanges,
    DashboardAccess,
    DashboardHistory,
    DashboardConfigs,
    TenantSweep,
    DashboardTrashPurgeJob,
    DashboardHistoryRetentionJob,
  ],
  // For the projects module, which counts each project's dashboards through it.
  exports: [DashboardsService],
})
export class DashboardsModule {}

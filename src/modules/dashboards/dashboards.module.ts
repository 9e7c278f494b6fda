import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { DashboardAccess } from './dashboard-access.js';
import { DashboardConfigs } from './dashboard-configs.service.js';
import { DashboardContents } from './dashboard-content.js';
import { Dashboard } from './dashboard.entity.js';
import { DashboardHistory } from './dashboard-history.js';
import { DashboardHistoryRepository } from './dashboard-history.repository.js';
import { DashboardHistoryRetentionJob } from './dashboard-history-retention.job.js';
import { DashboardUserConfig } from './dashboard-user-config.entity.js';
import { DashboardVersion } from './dashboard-version.entity.js';
import { DashboardWidgetContent } from './dashboard-widget-content.entity.js';
import { DashboardWidgetList } from './dashboard-widget-list.entity.js';
import { DashboardsController } from './dashboards.controller.js';
import { DashboardsService } from './dashboards.service.js';
import { DashboardTrashPurgeJob } from './dashboard-trash-purge.job.js';
import { TenantSweep } from './tenant-sweep.js';

/**
 * Dashboards, their trash, history and per-user configs. Exports DashboardsService (the widgets
 * module edits through it) and DashboardContents (where the widgets module registers itself).
 */
@Module({
  imports: [MikroOrmModule.forFeature([Dashboard, DashboardVersion, DashboardWidgetList, DashboardWidgetContent, DashboardUserConfig])],
  controllers: [DashboardsController],
  providers: [
    DashboardsService,
    DashboardAccess,
    DashboardHistory,
    DashboardHistoryRepository,
    DashboardConfigs,
    DashboardContents,
    TenantSweep,
    DashboardTrashPurgeJob,
    DashboardHistoryRetentionJob,
  ],
  exports: [DashboardsService, DashboardContents],
})
export class DashboardsModule {}

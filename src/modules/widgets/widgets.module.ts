import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { DashboardsModule } from '../dashboards/dashboards.module.js';
import { QueriesModule } from '../queries/queries.module.js';
import { Widget } from './widget.entity.js';
import { WidgetsController } from './widgets.controller.js';
import { WidgetsService } from './widgets.service.js';

/**
 * Widgets of dashboards. Depends on the dashboards module only through its exports (DashboardsService
 * to edit a dashboard, DashboardContents to provide the widgets it reads and restores): the
 * dependency points one way, so there is no cycle to break.
 */
@Module({
  imports: [MikroOrmModule.forFeature([Widget]), DashboardsModule, QueriesModule],
  controllers: [WidgetsController],
  providers: [WidgetsService],
  exports: [WidgetsService],
})
export class WidgetsModule {}

import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { QueriesModule } from '../queries/queries.module.js';
import { DashboardWidgets } from './dashboard-widgets.service.js';
import { Widget } from './widget.entity.js';

/**
 * The widgets of dashboards: their rows, validation (queries through the queries module), grid
 * arithmetic and JSON. Exports DashboardWidgets alone, which the dashboards module calls inside its
 * own changes (it owns the widget routes, the lock, the version and the history): the dependency
 * runs dashboards → widgets, and widgets knows nothing of dashboards.
 */
@Module({
  imports: [MikroOrmModule.forFeature([Widget]), QueriesModule],
  providers: [DashboardWidgets],
  exports: [DashboardWidgets],
})
export class WidgetsModule {}

import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import type { Environment } from './config/environment.js';
import { AssetsModule } from './modules/assets/assets.module.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { DashboardsModule } from './modules/dashboards/dashboards.module.js';
import { LessonsModule } from './modules/lessons/lessons.module.js';
import { ProjectsModule } from './modules/projects/projects.module.js';
import { QueriesModule } from './modules/queries/queries.module.js';
import { TasksModule } from './modules/tasks/tasks.module.js';
import { WidgetsModule } from './modules/widgets/widgets.module.js';
import { WorkflowsModule } from './modules/workflows/workflows.module.js';
import { AuthModule } from './platform/auth/auth.module.js';
import { DatabaseModule } from './platform/database/database.module.js';
import { ProblemDetailsFilter } from './platform/errors/problem-details.filter.js';
import { HealthModule } from './platform/health/health.module.js';
import { IdempotencyModule } from './platform/idempotency/idempotency.module.js';
import { JobsModule } from './platform/jobs/jobs.module.js';
import { LifecycleModule } from './platform/lifecycle/lifecycle.module.js';
import { LoggingModule } from './platform/logging/logging.module.js';
import { ObservabilityModule } from './platform/observability/observability.module.js';
import { RateLimitModule } from './platform/rate-limit/rate-limit.module.js';
import { StorageQuotaModule } from './platform/storage-quota/storage-quota.module.js';
import { TenancyModule } from './platform/tenancy/tenancy.module.js';

@Module({})
export class AppModule {
  /** The whole application, for an already validated environment, the database runtime URL and, for maintenance jobs, the owner's. */
  static forRoot(environment: Environment, runtimeDatabaseUrl: string, ownerDatabaseUrl?: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => ({ ...environment })] }),
        LoggingModule,
        ObservabilityModule,
        LifecycleModule,
        DatabaseModule.forRoot(runtimeDatabaseUrl, ownerDatabaseUrl),
        ScheduleModule.forRoot(),
        JobsModule,
        // Guard order matters: authentication first, so that rate limits and the storage quota know the tenant.
        AuthModule,
        RateLimitModule,
        StorageQuotaModule,
        TenancyModule,
        IdempotencyModule,
        HealthModule,
        ProjectsModule,
        TasksModule,
        LessonsModule,
        QueriesModule,
        DashboardsModule,
        WidgetsModule,
        AuditModule,
        AssetsModule,
        WorkflowsModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}

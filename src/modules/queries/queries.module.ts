import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { SavedQueriesController } from './saved-queries.controller.js';
import { SavedQueriesService } from './saved-queries.service.js';
import { SavedQuery } from './saved-query.entity.js';
import { SchemaConfigController } from './schema-config.controller.js';
import { SchemaConfig } from './schema-config.entity.js';
import { SchemaConfigService } from './schema-config.service.js';

/** Saved query definitions and the tenant's schema configuration, which dashboards' widgets build on. */
@Module({
  imports: [MikroOrmModule.forFeature([SavedQuery, SchemaConfig])],
  controllers: [SavedQueriesController, SchemaConfigController],
  providers: [SavedQueriesService, SchemaConfigService],
  exports: [SavedQueriesService],
})
export class QueriesModule {}

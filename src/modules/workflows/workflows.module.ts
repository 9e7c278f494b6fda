import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { AssetsModule } from '../assets/assets.module.js';
import { AssetImpactController } from './asset-impact.controller.js';
import { AssetImpactService } from './asset-impact.service.js';
import { OpenLineageController } from './openlineage/openlineage.controller.js';
import { OpenLineageService } from './openlineage/openlineage.service.js';
import { OpenLineageEvent } from './openlineage/openlineage-event.entity.js';
import { Workflow } from './workflow.entity.js';
import { WorkflowExecution } from './workflow-execution.entity.js';
import { WorkflowExecutionsController } from './workflow-executions.controller.js';
import { WorkflowExecutionsService } from './workflow-executions.service.js';
import { WorkflowVersion } from './workflow-version.entity.js';
import { WorkflowVersionAsset } from './workflow-version-asset.entity.js';
import { WorkflowsController } from './workflows.controller.js';
import { WorkflowsService } from './workflows.service.js';

/** Versioned workflows, their executions and OpenLineage ingestion; depends on assets (never the other way round). */
@Module({
  imports: [
    MikroOrmModule.forFeature([Workflow, WorkflowVersion, WorkflowVersionAsset, WorkflowExecution, OpenLineageEvent]),
    AssetsModule,
  ],
  controllers: [WorkflowsController, WorkflowExecutionsController, AssetImpactController, OpenLineageController],
  providers: [WorkflowsService, WorkflowExecutionsService, AssetImpactService, OpenLineageService],
  exports: [WorkflowsService, WorkflowExecutionsService],
})
export class WorkflowsModule {}

import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { ExecutionReview } from './execution-review.entity.js';
import { Task } from './task.entity.js';
import { TaskApproval } from './task-approval.entity.js';
import { TaskArtifact } from './task-artifact.entity.js';
import { TaskDependencies } from './task-dependencies.js';
import { TaskDependency } from './task-dependency.entity.js';
import { TaskExecution } from './task-execution.entity.js';
import { TaskExecutions } from './task-executions.js';
import { TaskLineage } from './task-lineage.js';
import { TaskTransitions } from './task-transitions.js';
import { TaskWorkController } from './task-work.controller.js';
import { TaskWorkService } from './task-work.service.js';
import { TasksController } from './tasks.controller.js';
import { TasksService } from './tasks.service.js';

@Module({
  imports: [MikroOrmModule.forFeature([Task, TaskDependency, TaskExecution, ExecutionReview, TaskArtifact, TaskApproval])],
  controllers: [TasksController, TaskWorkController],
  providers: [TasksService, TaskWorkService, TaskTransitions, TaskDependencies, TaskLineage, TaskExecutions],
  exports: [TasksService, TaskWorkService],
})
export class TasksModule {}

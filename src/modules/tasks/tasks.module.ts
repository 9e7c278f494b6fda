import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { ExecutionReview } from './execution-review.entity.js';
import { Task } from './task.entity.js';
import { TaskApproval } from './task-approval.entity.js';
import { TaskArtifact } from './task-artifact.entity.js';
import { TaskDependencies } from './task-dependencies.js';
import { TaskDependency } from './task-dependency.entity.js';
import { TaskExecution } from './task-execution.entity.js';
import { TaskTransitions } from './task-transitions.js';
import { TaskWorkController } from './task-work.controller.js';
import { TaskWorkService } from './task-work.service.js';
import { TasksController } from './tasks.controller.js';
import { TasksService } from './tasks.service.js';

@Module({
  // Makes each entity's repository injectable by its class; they stay inside the module (not exported).
  imports: [MikroOrmModule.forFeature([Task, TaskDependency, TaskExecution, ExecutionReview, TaskArtifact, TaskApproval])],
  controllers: [TasksController, TaskWorkController],
  providers: [TasksService, TaskWorkService, TaskTransitions, TaskDependencies],
  exports: [TasksService, TaskWorkService],
})
export class TasksModule {}

import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { DashboardsModule } from '../dashboards/dashboards.module.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { Project } from './project.entity.js';
import { ProjectsController } from './projects.controller.js';
import { ProjectsService } from './projects.service.js';

/**
 * Projects: named, described, configured, archived. Depends on tasks and dashboards through their
 * exported services (to count what a project holds); neither depends back (their foreign keys name
 * projects, their code does not).
 */
@Module({
  imports: [MikroOrmModule.forFeature([Project]), TasksModule, DashboardsModule],
  controllers: [ProjectsController],
  providers: [ProjectsService],
})
export class ProjectsModule {}

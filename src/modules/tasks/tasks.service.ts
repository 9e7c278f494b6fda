import { Injectable } from '@nestjs/common';
import { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { Page, pageOf } from '../../platform/pagination/page.js';
import type { CreateTaskDto } from './dto/create-task.dto.js';
import type { ListTasksQuery } from './dto/list-tasks.query.js';
import { Task } from './task.entity.js';
import { TaskView, taskView } from './task.view.js';

/**
 * Tasks of the current tenant. Every method runs inside a tenant scope (a request, or
 * TenantScope.run() for in-process callers); the tenant filter and row-level security scope them.
 */
@Injectable()
export class TasksService {
  constructor(private readonly em: EntityManager) {}

  async create(input: CreateTaskDto): Promise<TaskView> {
    const task = new Task(input.prompt);
    task.projectId = input.projectId ?? null;
    task.config = input.config ?? {};
    task.metadata = input.metadata ?? {};
    await this.em.persist(task).flush();
    return taskView(task);
  }

  async list(query: ListTasksQuery): Promise<Page<TaskView>> {
    const where: FilterQuery<Task> = {};
    if (query.state) where.state = { $in: query.state };
    if (query.projectId) where.projectId = query.projectId;
    const cursor = await this.em.findByCursor(Task, {
      where,
      first: query.limit,
      after: query.cursor,
      orderBy: { createdAt: 'desc', id: 'desc' },
      includeCount: false,
      disableIdentityMap: true,
    });
    return pageOf(cursor, taskView);
  }

  async get(id: string): Promise<TaskView> {
    return taskView(await this.em.findOneOrFail(Task, { id }));
  }
}

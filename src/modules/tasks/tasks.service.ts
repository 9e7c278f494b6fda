import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Page } from '../../platform/pagination/page.js';
import { newestFirstPage } from '../../platform/pagination/newest-first.js';
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
    const qb = this.em.createQueryBuilder(Task).select('*');
    if (query.state) qb.andWhere({ state: { $in: query.state } });
    if (query.projectId) qb.andWhere({ projectId: query.projectId });
    const page = await newestFirstPage(qb, query);
    return { ...page, items: page.items.map(taskView) };
  }

  async get(id: string): Promise<TaskView> {
    return taskView(await this.em.findOneOrFail(Task, { id }));
  }
}

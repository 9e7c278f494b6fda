import { ForeignKeyConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { isAdmin } from '../../platform/auth/ownership.js';
import type { Page } from '../../platform/pagination/page.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import type { CreateTaskDto } from './dto/create-task.dto.js';
import type { LineageQuery } from './dto/lineage.query.js';
import { ListTasksQuery, type TaskFiltersQuery } from './dto/list-tasks.query.js';
import type { TaskStatsQuery } from './dto/task-stats.query.js';
import type { TransitionTaskDto } from './dto/transition-task.dto.js';
import type { UpdateTaskDto } from './dto/update-task.dto.js';
import { TaskRepository } from './task.repository.js';
import { type TaskView, taskListItemView, taskView } from './task.view.js';
import { TaskDependencies } from './task-dependencies.js';
import { TaskDependencyRepository } from './task-dependency.repository.js';
import { assertStorableJson, MAX_OUTCOME_BYTES, MAX_TASK_SETTINGS_BYTES } from './task-limits.js';
import { type Lineage, withHint } from './task-lineage.js';
import { TaskProblems } from './task-problems.js';
import { isFinal, TaskState } from './task-state.js';
import { countsPerProject, type ProjectTaskCounts, taskStats } from './task-stats.js';
import { TaskTransitions } from './task-transitions.js';

export type { ProjectTaskCounts } from './task-stats.js';

/**
 * Tasks of the current tenant. Every method runs inside a tenant scope (a request, or
 * TenantScope.run() for in-process callers); the repositories read and write that tenant's rows only.
 */
@Injectable()
export class TasksService {
  constructor(
    private readonly tasks: TaskRepository,
    private readonly graph: TaskDependencyRepository,
    private readonly dependencies: TaskDependencies,
    private readonly transitions: TaskTransitions,
  ) {}

  async create(input: CreateTaskDto): Promise<TaskView> {
    assertStorableSettings(input);
    const task = await refusingUnknownProject(input.projectId, () =>
      this.tasks.add({
        prompt: input.prompt,
        projectId: input.projectId ?? null,
        config: input.config ?? {},
        metadata: input.metadata ?? {},
      }),
    );
    const dependsOn = input.dependsOn ?? [];
    if (dependsOn.length > 0) await this.dependencies.addToNew(task.id, dependsOn);
    return taskView(task, dependsOn);
  }

  async list(query: ListTasksQuery): Promise<Page<ReturnType<typeof taskListItemView>>> {
    const page = await this.tasks.page(query);
    return { ...page, items: page.items.map(taskListItemView) };
  }

  /** How many tasks the list's filters match. */
  async count(filters: TaskFiltersQuery): Promise<{ count: number }> {
    const { state, projectId, currentAgent, createdFrom, createdTo } = filters;
    return { count: await this.tasks.countMatching({ state, projectId, currentAgent, createdFrom, createdTo }) };
  }

  /** For the projects module: each project's tasks counted by state, in one statement for all of them. */
  async countsByProject(projectIds: readonly string[]): Promise<Map<string, ProjectTaskCounts>> {
    return countsPerProject(projectIds, await this.tasks.countsByProject(projectIds));
  }

  /** For the projects module: a project's latest tasks, newest first, as list items. */
  async recentOfProject(projectId: string, limit: number): Promise<ReturnType<typeof taskListItemView>[]> {
    const page = await this.tasks.page(Object.assign(new ListTasksQuery(), { limit, projectId }));
    return page.items.map(taskListItemView);
  }

  /**
   * Deletes a task in a final state with its executions, reviews, artifacts and approvals, in the
   * unit of work's transaction (the audit trigger records each row). A task others depend on stays.
   * An admin may delete a task in any state: it is cancelled first, in the same transaction.
   */
  async delete(id: string): Promise<void> {
    // The graph lock before the task's row lock, the order every graph edit takes them in: no edge onto
    // the task can be added while it goes.
    await this.graph.lockGraph();
    const task = await this.transitions.lock(id);
    const dependents = await this.graph.dependentsOf(id, MAX_NAMED_DEPENDENTS);
    if (dependents.length > 0) throw TaskProblems.hasDependents(dependents);
    if (!isFinal(task.state)) {
      if (!isAdmin(TenantContext.current())) throw TaskProblems.notFinal(task.state);
      await this.transitions.apply(task, TaskState.Cancelled);
    }
    await this.tasks.remove(id);
  }

  async stats(query: TaskStatsQuery) {
    return taskStats(await this.tasks.countsByState(query.projectId), query.groupBy);
  }

  /**
   * The task whole, with its latest executions (summaries: no large fields, no reviews), its artifacts
   * (without bodies) and approvals: a bounded read however long the task has run, in one statement.
   */
  async get(id: string) {
    const task = await this.tasks.detail(id);
    if (!task) throw TaskProblems.notFound();
    return task;
  }

  /** Changes what a task will do; only while it is pending. */
  async update(id: string, changes: UpdateTaskDto): Promise<TaskView> {
    assertStorableSettings(changes);
    // The graph lock before the task's row lock, the order every graph edit takes them in.
    if (changes.dependsOn !== undefined) await this.graph.lockGraph();
    const task = await this.transitions.lock(id);
    if (task.state !== TaskState.Pending) {
      throw TaskProblems.wrongState('change a task', task.state, TaskState.Pending);
    }
    if (changes.prompt !== undefined) task.prompt = changes.prompt;
    if (changes.config !== undefined) task.config = changes.config;
    if (changes.metadata !== undefined) task.metadata = changes.metadata;
    if (changes.dependsOn !== undefined) await this.dependencies.replace(id, changes.dependsOn);
    await this.tasks.flush();
    return taskView(task, (await this.graph.dependsOnOf([id])).get(id) ?? []);
  }

  async transition(id: string, move: TransitionTaskDto): Promise<TaskView> {
    assertStorableJson('result', move.result, MAX_OUTCOME_BYTES);
    assertStorableJson('error', move.error, MAX_OUTCOME_BYTES);
    const task = await this.transitions.move(id, move.to, move);
    return taskView(task, (await this.graph.dependsOnOf([id])).get(id) ?? []);
  }

  async lineage(id: string, query: LineageQuery): Promise<Lineage> {
    if (!(await this.tasks.exists(id))) throw TaskProblems.notFound();
    return withHint(await this.graph.lineage(id, query), query);
  }
}

/** The dependents a refused deletion names (the first, by id). */
const MAX_NAMED_DEPENDENTS = 100;

/** A write that names a project: the composite foreign key refuses one the tenant does not have (another tenant's included). */
async function refusingUnknownProject<T>(projectId: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (projectId !== undefined && error instanceof ForeignKeyConstraintViolationException) throw TaskProblems.unknownProject(projectId);
    throw error;
  }
}

function assertStorableSettings(input: { config?: unknown; metadata?: unknown }): void {
  assertStorableJson('config', input.config, MAX_TASK_SETTINGS_BYTES);
  assertStorableJson('metadata', input.metadata, MAX_TASK_SETTINGS_BYTES);
}

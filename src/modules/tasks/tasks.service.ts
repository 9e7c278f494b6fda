import { Injectable } from '@nestjs/common';
import { raw, sql } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Page } from '../../platform/pagination/page.js';
import { ormKeysetPage, ORM_NEWEST_FIRST } from '../../platform/pagination/keyset.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import type { CreateTaskDto } from './dto/create-task.dto.js';
import type { LineageQuery } from './dto/lineage.query.js';
import type { ListTasksQuery } from './dto/list-tasks.query.js';
import type { TaskStatsQuery } from './dto/task-stats.query.js';
import type { TransitionTaskDto } from './dto/transition-task.dto.js';
import type { UpdateTaskDto } from './dto/update-task.dto.js';
import { Task } from './task.entity.js';
import { approvalView, artifactView, LARGE_TASK_FIELDS, type LargeTaskFields, type TaskListRow, taskListItemView, type TaskView, taskView } from './task.view.js';
import { TaskApproval } from './task-approval.entity.js';
import { TaskArtifact } from './task-artifact.entity.js';
import { TaskDependencies } from './task-dependencies.js';
import { TaskExecutions } from './task-executions.js';
import { type Lineage, TaskLineage } from './task-lineage.js';
import { assertStorableJson, EMBEDDED_EXECUTIONS, MAX_OUTCOME_BYTES, MAX_TASK_SETTINGS_BYTES } from './task-limits.js';
import { TaskProblems } from './task-problems.js';
import { TASK_STATES, TaskState } from './task-state.js';
import { TaskTransitions } from './task-transitions.js';

type CountsByState = Record<TaskState, number>;

/**
 * The previews and sizes of a list item's large fields, which the database computed when the task
 * was written (stored generated columns): no large value is unpacked for a list. Field names only.
 */
function largeFieldColumns(alias: string) {
  const each = (column: (field: string) => string) => LARGE_TASK_FIELDS.map((field) => `'${field}', ${alias}.${column(field)}`).join(', ');
  return [raw(`json_build_object(${each((field) => `${field}_preview`)}) as previews`), raw(`json_build_object(${each((field) => `${field}_bytes`)}) as sizes`)];
}

/**
 * Tasks of the current tenant. Every method runs inside a tenant scope (a request, or
 * TenantScope.run() for in-process callers); the tenant filter and row-level security scope them.
 */
@Injectable()
export class TasksService {
  constructor(
    private readonly em: EntityManager,
    private readonly dependencies: TaskDependencies,
    private readonly transitions: TaskTransitions,
    private readonly graph: TaskLineage,
    private readonly executions: TaskExecutions,
  ) {}

  async create(input: CreateTaskDto): Promise<TaskView> {
    assertStorableSettings(input);
    const task = new Task(input.prompt);
    task.projectId = input.projectId ?? null;
    task.config = input.config ?? {};
    task.metadata = input.metadata ?? {};
    await this.em.persist(task).flush();
    const dependsOn = input.dependsOn ?? [];
    if (dependsOn.length > 0) await this.dependencies.addToNew(task.id, dependsOn);
    return taskView(task, dependsOn);
  }

  async list(query: ListTasksQuery): Promise<Page<ReturnType<typeof taskListItemView>>> {
    const qb = this.em
      .createQueryBuilder(Task, 't')
      .select(['id', 'projectId', 'userId', 'state', 'currentAgent', 'createdAt', 'updatedAt', 'completedAt', this.dependencies.dependsOnColumn('t'), ...largeFieldColumns('t')]);
    if (query.state) qb.andWhere({ state: { $in: query.state } });
    if (query.projectId) qb.andWhere({ projectId: query.projectId });
    if (query.currentAgent) qb.andWhere({ currentAgent: query.currentAgent });
    if (query.createdFrom) qb.andWhere({ createdAt: { $gte: query.createdFrom } });
    if (query.createdTo) qb.andWhere({ createdAt: { $lt: query.createdTo } });
    const page = await ormKeysetPage<TaskListRow & LargeTaskFields>(qb, query, ORM_NEWEST_FIRST);
    return { ...page, items: page.items.map(taskListItemView) };
  }

  async stats(query: TaskStatsQuery) {
    const rows = await this.em.execute<{ project_id: string | null; state: TaskState; count: string }[]>(sql`
      select project_id, state, count(*) as count from tasks
      where tenant_id = ${TenantContext.current().tenantId} and (${query.projectId ?? null}::text is null or project_id = ${query.projectId ?? null})
      group by project_id, state`);
    const byState = zeroCounts();
    const byProject = new Map<string | null, CountsByState>();
    for (const row of rows) {
      const count = Number(row.count);
      byState[row.state] += count;
      const project = byProject.get(row.project_id) ?? zeroCounts();
      project[row.state] += count;
      byProject.set(row.project_id, project);
    }
    return {
      total: sum(byState),
      byState,
      ...(query.groupBy === 'project' && {
        byProject: [...byProject]
          .map(([projectId, counts]) => ({ projectId, total: sum(counts), byState: counts }))
          .sort((a, b) => (a.projectId ?? '').localeCompare(b.projectId ?? '')),
      }),
    };
  }

  /**
   * The task whole, with its latest executions (summaries: no large fields, no reviews), its artifacts
   * (without bodies) and approvals: a bounded read however long the task has run.
   */
  async get(id: string) {
    const task = await this.em.findOne(Task, { id });
    if (!task) throw TaskProblems.notFound();
    const dependsOn = await this.dependencies.of([id]);
    const executions = await this.executions.summaries(id, { limit: EMBEDDED_EXECUTIONS });
    const artifacts = await this.em.find(TaskArtifact, { taskId: id }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    const approvals = await this.em.find(TaskApproval, { taskId: id }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    return {
      ...taskView(task, dependsOn.get(id) ?? []),
      executionCount: executions.nextCursor ? await this.executions.count(id) : executions.items.length,
      executions: executions.items,
      artifacts: artifacts.map((artifact) => artifactView(artifact, false)),
      approvals: approvals.map(approvalView),
    };
  }

  /** Changes what a task will do; only while it is pending. */
  async update(id: string, changes: UpdateTaskDto): Promise<TaskView> {
    assertStorableSettings(changes);
    // The graph lock before the task's row lock, the order every graph edit takes them in.
    if (changes.dependsOn !== undefined) await this.dependencies.lockGraph();
    const task = await this.transitions.lock(id);
    if (task.state !== TaskState.Pending) {
      throw TaskProblems.wrongState('change a task', task.state, TaskState.Pending);
    }
    if (changes.prompt !== undefined) task.prompt = changes.prompt;
    if (changes.config !== undefined) task.config = changes.config;
    if (changes.metadata !== undefined) task.metadata = changes.metadata;
    if (changes.dependsOn !== undefined) await this.dependencies.replace(id, changes.dependsOn);
    await this.em.flush();
    return taskView(task, (await this.dependencies.of([id])).get(id) ?? []);
  }

  async transition(id: string, move: TransitionTaskDto): Promise<TaskView> {
    assertStorableJson('result', move.result, MAX_OUTCOME_BYTES);
    assertStorableJson('error', move.error, MAX_OUTCOME_BYTES);
    const task = await this.transitions.lock(id);
    await this.transitions.apply(task, move.to, move);
    return taskView(task, (await this.dependencies.of([id])).get(id) ?? []);
  }

  async lineage(id: string, query: LineageQuery): Promise<Lineage> {
    if (!(await this.em.count(Task, { id }))) throw TaskProblems.notFound();
    return this.graph.of(id, query);
  }
}

function assertStorableSettings(input: { config?: unknown; metadata?: unknown }): void {
  assertStorableJson('config', input.config, MAX_TASK_SETTINGS_BYTES);
  assertStorableJson('metadata', input.metadata, MAX_TASK_SETTINGS_BYTES);
}

function zeroCounts(): CountsByState {
  return Object.fromEntries(TASK_STATES.map((state) => [state, 0])) as CountsByState;
}

function sum(counts: CountsByState): number {
  return Object.values(counts).reduce((total, count) => total + count, 0);
}

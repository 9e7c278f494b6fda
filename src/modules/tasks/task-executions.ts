import { Injectable } from '@nestjs/common';
import { sql } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { ormKeysetPage, type OrmSortKey } from '../../platform/pagination/keyset.js';
import type { Page, PageQuery } from '../../platform/pagination/page.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import { ExecutionReview } from './execution-review.entity.js';
import { Task } from './task.entity.js';
import { type ExecutionExtent, executionSummaryView, executionView } from './task.view.js';
import { TaskExecution } from './task-execution.entity.js';
import { TaskProblems } from './task-problems.js';
import { uuidArrayLiteral } from './uuid-array.js';

type ExecutionSummary = ReturnType<typeof executionSummaryView>;

const LATEST_STARTED_FIRST: OrmSortKey<TaskExecution> = {
  name: 'started',
  expression: (alias) => `${alias}.started_at`,
  type: 'timestamptz',
  valueOf: (row) => row.startedAt.toISOString(),
};

/**
 * Reads of agent runs. Summaries leave out `input`, `output` and `error` (each up to
 * MAX_OUTCOME_BYTES) and give their sizes instead, measured by the database as each run is written:
 * the large values are neither unpacked nor sent to this process unless one execution is read whole.
 */
@Injectable()
export class TaskExecutions {
  constructor(private readonly em: EntityManager) {}

  /** A task's runs, latest first; 404 for a task that does not exist. */
  async ofTask(taskId: string, query: PageQuery): Promise<Page<ExecutionSummary>> {
    if (!(await this.em.count(Task, { id: taskId }))) throw TaskProblems.notFound();
    return this.summaries(taskId, query);
  }

  /** A task's runs, latest first. */
  async summaries(taskId: string, query: PageQuery): Promise<Page<ExecutionSummary>> {
    const qb = this.em
      .createQueryBuilder(TaskExecution, 'e')
      .select(['id', 'taskId', 'agentType', 'status', 'durationMs', 'tokensUsed', 'startedAt', 'finishedAt'])
      .where({ taskId });
    const page = await ormKeysetPage<TaskExecution>(qb, query, LATEST_STARTED_FIRST);
    const extents = await this.extentsOf(page.items.map((execution) => execution.id));
    return { ...page, items: page.items.map((execution) => executionSummaryView(execution, extents.get(execution.id)!)) };
  }

  count(taskId: string): Promise<number> {
    return this.em.count(TaskExecution, { taskId });
  }

  /** One run in full, with its self-reviews. */
  async one(executionId: string) {
    const execution = await this.em.findOne(TaskExecution, { id: executionId });
    if (!execution) throw TaskProblems.notFound('execution');
    const reviews = await this.em.find(ExecutionReview, { executionId }, { orderBy: { iteration: 'asc', createdAt: 'asc' } });
    return executionView(execution, reviews);
  }

  /**
   * The sizes of a page of runs' large fields (computed by the database when each run was written:
   * stored generated columns) and their review counts, read once the page is known.
   */
  private async extentsOf(ids: readonly string[]): Promise<Map<string, ExecutionExtent>> {
    if (ids.length === 0) return new Map();
    const rows = await this.em.execute<({ id: string } & ExecutionExtent)[]>(sql`
      select e.id, json_build_object('input', e.input_bytes, 'output', e.output_bytes, 'error', e.error_bytes) as sizes,
        (select count(*)::int from execution_reviews r where r.tenant_id = e.tenant_id and r.execution_id = e.id) as "reviewCount"
      from task_executions e
      where e.tenant_id = ${TenantContext.current().tenantId} and e.id = any(${uuidArrayLiteral(ids)}::uuid[])`);
    return new Map(rows.map(({ id, ...extent }) => [id, extent]));
  }
}

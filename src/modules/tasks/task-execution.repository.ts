import { LockMode } from '@mikro-orm/core';
import type { Expression, Kysely } from 'kysely';
import { EXAMPLE_ID, RecordSql } from '../../platform/database/sql/record-sql.decorator.js';
import { isoInstant, sql } from '../../platform/database/sql/sql.js';
import { TenantRepository } from '../../platform/database/tenant-repository.js';
import { encodeCursor, keysetPage, NEWEST_FIRST, type SortKey } from '../../platform/pagination/keyset.js';
import type { Page, PageQuery } from '../../platform/pagination/page.js';
import type { AgentType } from '../shared/agent-type.js';
import type { CreateReviewDto } from './dto/create-review.dto.js';
import { ExecutionReview } from './execution-review.entity.js';
import type { ExecutionSummary, ReviewRow } from './task.view.js';
import { TaskExecution } from './task-execution.entity.js';
import type { TaskTables } from './task-tables.js';

/**
 * A task's runs latest started first, paged or embedded in the task read. Over rows whose instants
 * PostgreSQL wrote as ISO text (isoInstant): the ORM's connection returns timestamptz as text.
 */
export const LATEST_STARTED_FIRST: SortKey<{ id: string; startedAt: string }> = {
  name: 'started',
  expression: (alias) => sql.ref(`${alias}.started_at`),
  type: 'timestamptz',
  valueOf: (row) => row.startedAt,
};

const EXAMPLE_REVIEW: CreateReviewDto = {
  iteration: 1,
  agentType: 'reviewer',
  qualityScore: 0.8,
  completenessScore: 0.7,
  correctnessScore: 0.9,
  overallScore: 0.8,
  gaps: ['tests'],
  decision: 'iterate',
};

/** A task named by expressions: bound values, or the columns of an enclosing statement's task. */
export interface TaskRef {
  tenantId: Expression<string>;
  id: Expression<string>;
}

/**
 * A task's runs (unordered) without `input`, `output` and `error`: their sizes, which the database
 * measured as each run was written (stored generated columns), and how many reviews each has.
 */
export function executionSummaries(db: Kysely<TaskTables>, task: TaskRef) {
  return db
    .selectFrom('task_executions as e')
    .select((eb) => [
      'e.id',
      'e.task_id as taskId',
      'e.agent_type as agentType',
      'e.status',
      'e.duration_ms as durationMs',
      'e.tokens_used as tokensUsed',
      isoInstant(eb.ref('e.started_at')).as('startedAt'),
      isoInstant(eb.ref('e.finished_at')).$castTo<string | null>().as('finishedAt'),
      sql<ExecutionSummary['sizes']>`json_build_object('input', e.input_bytes, 'output', e.output_bytes, 'error', e.error_bytes)`.as(
        'sizes',
      ),
      eb
        .selectFrom('execution_reviews as r')
        .select(sql<number>`count(*)::int`.as('count'))
        .whereRef('r.tenant_id', '=', 'e.tenant_id')
        .whereRef('r.execution_id', '=', 'e.id')
        .$asScalar()
        .$notNull()
        .as('reviewCount'),
    ])
    .where('e.tenant_id', '=', task.tenantId)
    .where('e.task_id', '=', task.id);
}

/** Agent runs on the current tenant's tasks, with their self-reviews. */
export class TaskExecutionRepository extends TenantRepository<TaskExecution> {
  /** A new run (with whatever else the unit of work holds, such as the task's new current agent). */
  @RecordSql([EXAMPLE_ID, 'reviewer', { files: ['README.md'] }])
  async start(taskId: string, agentType: AgentType, input: unknown): Promise<TaskExecution> {
    const execution = new TaskExecution(taskId, agentType, input);
    await this.em.persist(execution).flush();
    return execution;
  }

  @RecordSql([EXAMPLE_ID])
  byId(id: string): Promise<TaskExecution | null> {
    return this.findOne({ id });
  }

  /** The run, its row locked FOR UPDATE until the unit of work ends and read afresh. */
  @RecordSql([EXAMPLE_ID])
  lockedForChange(id: string): Promise<TaskExecution | null> {
    return this.findOne({ id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  }

  @RecordSql([EXAMPLE_ID])
  async exists(id: string): Promise<boolean> {
    return (await this.count({ id })) > 0;
  }

  @RecordSql([EXAMPLE_ID, EXAMPLE_ID])
  async isOfTask(id: string, taskId: string): Promise<boolean> {
    return (await this.count({ id, taskId })) > 0;
  }

  @RecordSql([EXAMPLE_ID])
  countOf(taskId: string): Promise<number> {
    return this.count({ taskId });
  }

  /**
   * A page of a task's runs, latest first, without `input`, `output` and `error` (each up to
   * MAX_OUTCOME_BYTES): their sizes instead, which the database measured as each run was written
   * (stored generated columns), and how many reviews each has: one statement, however long the task ran.
   */
  @RecordSql(
    [EXAMPLE_ID, { limit: 5 }],
    [EXAMPLE_ID, { limit: 5, cursor: encodeCursor(LATEST_STARTED_FIRST, { id: EXAMPLE_ID, startedAt: '2026-01-15T00:00:00.000Z' }) }],
  )
  summaries(taskId: string, query: PageQuery): Promise<Page<ExecutionSummary>> {
    const select = executionSummaries(this.em.getKysely<TaskTables>(), { tenantId: sql.val(this.tenantId()), id: sql.val(taskId) });
    return keysetPage(this.em, select, 'e', query, LATEST_STARTED_FIRST);
  }

  /** A run's self-reviews, in the order they were made. */
  @RecordSql([EXAMPLE_ID])
  reviewsOf(executionId: string): Promise<ExecutionReview[]> {
    return this.em.find(ExecutionReview, { executionId }, { orderBy: { iteration: 'asc', createdAt: 'asc' } });
  }

  /**
   * A page of a task's self-reviews (of one of its executions when `executionId` is given), newest
   * first: the task's executions by their (tenant, task) index, each one's reviews by (tenant, execution).
   */
  @RecordSql([EXAMPLE_ID, undefined, { limit: 50 }], [EXAMPLE_ID, EXAMPLE_ID, { limit: 50 }])
  reviewsOfTask(taskId: string, executionId: string | undefined, query: PageQuery): Promise<Page<ReviewRow>> {
    let select = this.em
      .getKysely<TaskTables>()
      .selectFrom('execution_reviews as r')
      .innerJoin('task_executions as e', (join) => join.onRef('e.tenant_id', '=', 'r.tenant_id').onRef('e.id', '=', 'r.execution_id'))
      .select((eb) => [
        'r.id',
        'r.execution_id as executionId',
        'r.iteration',
        'r.agent_type as agentType',
        'r.quality_score as qualityScore',
        'r.completeness_score as completenessScore',
        'r.correctness_score as correctnessScore',
        'r.overall_score as overallScore',
        'r.gaps',
        'r.requirements',
        'r.decision',
        'r.reasoning',
        'r.duration_ms as durationMs',
        isoInstant(eb.ref('r.created_at')).as('createdAt'),
      ])
      .where('r.tenant_id', '=', this.tenantId())
      .where('e.tenant_id', '=', this.tenantId())
      .where('e.task_id', '=', taskId);
    if (executionId) select = select.where('r.execution_id', '=', executionId);
    return keysetPage(this.em, select, 'r', query, NEWEST_FIRST);
  }

  @RecordSql([EXAMPLE_ID, EXAMPLE_REVIEW])
  async addReview(executionId: string, review: CreateReviewDto): Promise<ExecutionReview> {
    const added = this.em.create(ExecutionReview, {
      executionId,
      ...review,
      gaps: review.gaps ?? [],
      requirements: review.requirements ?? [],
    });
    await this.em.flush();
    return added;
  }
}

import { LockMode } from '@mikro-orm/core';
import type { Kysely } from 'kysely';
import { jsonArrayFrom, jsonBuildObject } from 'kysely/helpers/postgres';
import { EXAMPLE_ID, RecordSql } from '../../platform/database/sql/record-sql.decorator.js';
import { isoInstant, jsonbText, queryEntities, queryRow, queryRows, type SqlFragment, sql } from '../../platform/database/sql/sql.js';
import { TenantRepository } from '../../platform/database/tenant-repository.js';
import { encodeCursor, keysetPage, NEWEST_FIRST } from '../../platform/pagination/keyset.js';
import type { Page } from '../../platform/pagination/page.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import type { ListTasksQuery, TaskFiltersQuery } from './dto/list-tasks.query.js';
import { Task } from './task.entity.js';
import type { LargeTaskFields, TaskListRow } from './task.view.js';
import { executionSummaries, LATEST_STARTED_FIRST, type TaskRef } from './task-execution.repository.js';
import { EMBEDDED_EXECUTIONS } from './task-limits.js';
import type { StateCount } from './task-stats.js';
import type { TaskTables } from './task-tables.js';

/** The fields a move of the state machine writes: the state, and what a final state closes. */
export type TaskMove = Pick<Task, 'state'> & Partial<Pick<Task, 'result' | 'error' | 'completedAt' | 'currentAgent'>>;

/** The columns of a task's row that the entity maps. */
const TASK_COLUMNS = [
  'id',
  'tenant_id',
  'project_id',
  'user_id',
  'prompt',
  'state',
  'current_agent',
  'config',
  'result',
  'error',
  'metadata',
  'created_at',
  'updated_at',
  'completed_at',
] as const;

/** What a client gives a new task; the rest (id, state, creator, times) the task sets itself. */
export interface NewTask {
  prompt: string;
  projectId: string | null;
  config: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/**
 * Newest first, over rows whose instants PostgreSQL wrote as ISO text: the ORM's connection returns
 * timestamptz as text, not as a Date, so a list selects them with isoInstant (the API's own format).
 */

const EXAMPLE_PROJECT_ID = '00000000-0000-7000-8000-0000000000b1';
const EXAMPLE_TASK: NewTask = { prompt: 'Summarise the report', projectId: EXAMPLE_PROJECT_ID, config: {}, metadata: {} };
const EXAMPLE_FILTERS: Partial<ListTasksQuery> = {
  limit: 20,
  state: ['pending', 'running'],
  projectId: EXAMPLE_PROJECT_ID,
  currentAgent: 'reviewer',
  createdFrom: new Date('2026-01-01T00:00:00.000Z'),
  createdTo: new Date('2026-02-01T00:00:00.000Z'),
  cursor: encodeCursor(NEWEST_FIRST, { id: EXAMPLE_ID, createdAt: '2026-01-15T00:00:00.000Z' }),
};

/** Tasks of the current tenant: the ORM's tenant filter scopes its entity reads, the tenant named scopes its SQL. */
export class TaskRepository extends TenantRepository<Task> {
  /**
   * Writes a new task in a statement of its own (taskInsert), not through the unit of work: the ORM's
   * change set would cost more than the insert. The task returned is what was written, not managed:
   * a change to it needs the task read for change (lockedForChange).
   */
  @RecordSql([EXAMPLE_TASK])
  async add(fields: NewTask): Promise<Task> {
    const { tenantId, actorId } = TenantContext.current();
    const task = Object.assign(new Task(fields.prompt), fields, { tenantId, userId: actorId });
    await queryRows(this.em, taskInsert(task));
    return task;
  }

  /** The task read in one statement, as the API returns it (taskDetailSelect). */
  @RecordSql([EXAMPLE_ID])
  detail(id: string) {
    return queryRow(this.em, taskDetailSelect(this.em.getKysely<TaskTables>(), this.tenantId(), id));
  }

  @RecordSql([EXAMPLE_ID])
  async exists(id: string): Promise<boolean> {
    return (await this.count({ id })) > 0;
  }

  /**
   * The task, its row locked FOR UPDATE until the unit of work ends and read afresh: a change decided
   * on what it read cannot be overtaken by a concurrent one.
   */
  @RecordSql([EXAMPLE_ID])
  lockedForChange(id: string): Promise<Task | null> {
    return this.findOne({ id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  }

  /**
   * The task, its row locked FOR UPDATE until the unit of work ends, as fields only (not managed by
   * the unit of work): for a change written by a statement of its own (writeMove).
   */
  @RecordSql([EXAMPLE_ID])
  async lockedFields(id: string): Promise<Task | undefined> {
    const [task] = await queryEntities(this.em, Task, taskLockSelect(this.em.getKysely<TaskTables>(), this.tenantId(), id));
    return task;
  }

  /** Writes a move of a task read by lockedFields; when it was made (the task's new updatedAt). */
  @RecordSql([EXAMPLE_ID, { state: 'failed', error: { reason: 'timeout' }, completedAt: new Date(0), currentAgent: null }])
  async writeMove(id: string, move: TaskMove): Promise<Date> {
    const updatedAt = new Date();
    await queryRows(this.em, taskMoveUpdate(this.em.getKysely<TaskTables>(), this.tenantId(), id, move, updatedAt));
    return updatedAt;
  }

  /** Those of the ids that name none of the tenant's tasks, in the order given. */
  @RecordSql([[EXAMPLE_ID]])
  async unknownAmong(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const found = await this.find({ id: { $in: [...ids] } }, { fields: ['id'], disableIdentityMap: true });
    const known = new Set(found.map((task) => task.id));
    return ids.filter((id) => !known.has(id));
  }

  /**
   * A page of tasks, newest first, as list rows: the large fields as the previews and sizes the
   * database stored when the task was written (no large value is unpacked for a list), and the ids
   * each task depends on, read in the same statement.
   */
  @RecordSql([{ limit: 20 }], [EXAMPLE_FILTERS])
  page(query: ListTasksQuery): Promise<Page<TaskListRow & LargeTaskFields>> {
    const select = taskPageSelect(this.em.getKysely<TaskTables>(), this.tenantId(), query);
    return keysetPage(this.em, select, 't', query, NEWEST_FIRST);
  }

  /**
   * How many tasks the list's filters match, exactly. The tenant-first indexes serve it: by state
   * (tasks_tenant_state_created_idx), by project (tasks_tenant_project_created_idx), else by creation
   * time (tasks_tenant_created_idx), each with the creation-time range inside the index.
   */
  @RecordSql([{}], [EXAMPLE_FILTERS])
  async countMatching(filters: TaskFiltersQuery): Promise<number> {
    const select = this.em
      .getKysely<TaskTables>()
      .selectFrom('tasks as t')
      .select(sql<number>`count(*)::int`.as('count'))
      .where('t.tenant_id', '=', this.tenantId())
      .where(matching(filters));
    return (await queryRow(this.em, select))!.count;
  }

  /** Deletes the task; its executions (with their reviews), artifacts, approvals and own dependency edges go with it (foreign keys on delete cascade, each row audited). */
  @RecordSql([EXAMPLE_ID])
  async remove(id: string): Promise<void> {
    await queryRows(
      this.em,
      this.em.getKysely<TaskTables>().deleteFrom('tasks').where('tenant_id', '=', this.tenantId()).where('id', '=', id),
    );
  }

  /** Per project of `projectIds`, how many of its tasks are in each state (states without tasks left out): one statement. */
  @RecordSql([[EXAMPLE_PROJECT_ID]])
  async countsByProject(projectIds: readonly string[]): Promise<StateCount[]> {
    if (projectIds.length === 0) return [];
    return queryRows(
      this.em,
      this.em
        .getKysely<TaskTables>()
        .selectFrom('tasks')
        .select(['project_id as projectId', 'state', sql<number>`count(*)::int`.as('count')])
        .where('tenant_id', '=', this.tenantId())
        .where((eb) => eb('project_id', '=', eb.fn.any(eb.val([...projectIds]))))
        .groupBy(['project_id', 'state']),
    );
  }

  /** How many tasks are in each state, per project; of one project only when it is named. */
  @RecordSql([undefined], [EXAMPLE_PROJECT_ID])
  countsByState(projectId?: string): Promise<StateCount[]> {
    let select = this.em
      .getKysely<TaskTables>()
      .selectFrom('tasks')
      .select(['project_id as projectId', 'state', sql<number>`count(*)::int`.as('count')])
      .where('tenant_id', '=', this.tenantId())
      .groupBy(['project_id', 'state']);
    if (projectId !== undefined) select = select.where('project_id', '=', projectId);
    return queryRows(this.em, select);
  }
}

/** The insert of a new task: its columns but those the database fills (the large fields' extents). */
export function taskInsert(
  task: Pick<Task, 'id' | 'tenantId' | 'projectId' | 'userId' | 'prompt' | 'state' | 'config' | 'metadata' | 'createdAt' | 'updatedAt'>,
): SqlFragment {
  return sql`insert into tasks (id, tenant_id, project_id, user_id, prompt, state, config, metadata, created_at, updated_at)
    values (${task.id}, ${task.tenantId}, ${task.projectId ?? null}, ${task.userId}, ${task.prompt}, ${task.state},
      ${jsonbText(task.config)}, ${jsonbText(task.metadata)}, ${task.createdAt}, ${task.updatedAt})`;
}

/** The task's row locked FOR UPDATE: its columns but the large fields' extents. */
export function taskLockSelect(db: Kysely<TaskTables>, tenantId: string, id: string) {
  return db
    .selectFrom('tasks as t')
    .select(TASK_COLUMNS.map((column) => `t.${column}` as const))
    .where('t.tenant_id', '=', tenantId)
    .where('t.id', '=', id)
    .forUpdate();
}

/** The update of a move: the fields it changes and when. */
export function taskMoveUpdate(db: Kysely<TaskTables>, tenantId: string, id: string, move: TaskMove, updatedAt: Date) {
  return db
    .updateTable('tasks')
    .set({
      state: move.state,
      ...('result' in move && { result: jsonbText(move.result) }),
      ...('error' in move && { error: jsonbText(move.error) }),
      ...('completedAt' in move && { completed_at: move.completedAt }),
      ...('currentAgent' in move && { current_agent: move.currentAgent }),
      updated_at: updatedAt,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id);
}

/**
 * The task read in one statement: the task whole, the ids it depends on, how many runs it has and
 * the latest EMBEDDED_EXECUTIONS of them as summaries, its artifacts (without bodies) and its
 * approvals, oldest first; as the API returns it. Each embedded list is a correlated subquery on its
 * (tenant, task) index and PostgreSQL assembles its JSON, so the read is one round trip whatever
 * the task holds. Exported for the benchmark's thin twin, which must run the very same statement.
 */
export function taskDetailSelect(db: Kysely<TaskTables>, tenantId: string, id: string) {
  const task = TASK_AT_T;
  return db
    .selectFrom('tasks as t')
    .select((eb) => [
      't.id',
      't.project_id as projectId',
      't.user_id as userId',
      't.prompt',
      't.state',
      't.current_agent as currentAgent',
      't.config',
      't.result',
      't.error',
      't.metadata',
      dependsOnIds(task).as('dependsOn'),
      isoInstant(eb.ref('t.created_at')).as('createdAt'),
      isoInstant(eb.ref('t.updated_at')).as('updatedAt'),
      isoInstant(eb.ref('t.completed_at')).$castTo<string | null>().as('completedAt'),
      eb
        .selectFrom('task_executions as e')
        .select(sql<number>`count(*)::int`.as('count'))
        .where('e.tenant_id', '=', task.tenantId)
        .where('e.task_id', '=', task.id)
        .$asScalar()
        .$notNull()
        .as('executionCount'),
      jsonArrayFrom(
        executionSummaries(db, task)
          .orderBy(LATEST_STARTED_FIRST.expression('e'), 'desc')
          .orderBy('e.id', 'desc')
          .limit(EMBEDDED_EXECUTIONS),
      ).as('executions'),
      jsonArrayFrom(
        db
          .selectFrom('task_artifacts as a')
          .select((artifact) => [
            'a.id',
            'a.task_id as taskId',
            'a.execution_id as executionId',
            'a.type',
            'a.path',
            'a.content_bytes as contentBytes',
            'a.metadata',
            'a.approved',
            isoInstant(artifact.ref('a.created_at')).as('createdAt'),
          ])
          .where('a.tenant_id', '=', task.tenantId)
          .where('a.task_id', '=', task.id)
          .orderBy('a.created_at')
          .orderBy('a.id'),
      ).as('artifacts'),
      jsonArrayFrom(
        db
          .selectFrom('task_approvals as p')
          .select((approval) => [
            'p.id',
            'p.task_id as taskId',
            'p.decision',
            'p.reason',
            'p.artifact_ids as artifactIds',
            'p.approver_id as approverId',
            isoInstant(approval.ref('p.created_at')).as('createdAt'),
          ])
          .where('p.tenant_id', '=', task.tenantId)
          .where('p.task_id', '=', task.id)
          .orderBy('p.created_at')
          .orderBy('p.id'),
      ).as('approvals'),
    ])
    .where('t.tenant_id', '=', tenantId)
    .where('t.id', '=', id);
}

/**
 * The list's rows before paging (keysetPage orders and limits them): the large fields as the previews
 * and sizes the database stored when the task was written, and the ids each task depends on.
 * Exported for the benchmark's thin twin, which must run the very same statement.
 */
export function taskPageSelect(db: Kysely<TaskTables>, tenantId: string, query: TaskFiltersQuery) {
  return db
    .selectFrom('tasks as t')
    .select((eb) => [
      't.id',
      't.project_id as projectId',
      't.user_id as userId',
      't.state',
      't.current_agent as currentAgent',
      isoInstant(eb.ref('t.created_at')).as('createdAt'),
      isoInstant(eb.ref('t.updated_at')).as('updatedAt'),
      isoInstant(eb.ref('t.completed_at')).$castTo<string | null>().as('completedAt'),
      dependsOnIds(TASK_AT_T).as('dependsOn'),
      jsonBuildObject({
        prompt: eb.ref('t.prompt_preview'),
        config: eb.ref('t.config_preview'),
        metadata: eb.ref('t.metadata_preview'),
        result: eb.ref('t.result_preview'),
        error: eb.ref('t.error_preview'),
      }).as('previews'),
      jsonBuildObject({
        prompt: eb.ref('t.prompt_bytes'),
        config: eb.ref('t.config_bytes'),
        metadata: eb.ref('t.metadata_bytes'),
        result: eb.ref('t.result_bytes'),
        error: eb.ref('t.error_bytes'),
      }).as('sizes'),
    ])
    .where('t.tenant_id', '=', tenantId)
    .where(matching(query));
}

/** The task of a statement over `tasks as t`, for the subqueries that embed what hangs off it. */
const TASK_AT_T: TaskRef = { tenantId: sql.ref('t.tenant_id'), id: sql.ref('t.id') };

/** The ids the task depends on, sorted, as a JSON array. */
function dependsOnIds(task: TaskRef): SqlFragment<string[]> {
  return sql<string[]>`(select coalesce(json_agg(d.depends_on_id order by d.depends_on_id), '[]'::json)
    from task_dependencies d where d.tenant_id = ${task.tenantId} and d.task_id = ${task.id})`;
}

/** The list's filters as one condition over alias `t` (each value bound). */
function matching(filters: TaskFiltersQuery): SqlFragment<boolean> {
  const conditions: SqlFragment<boolean>[] = [sql<boolean>`true`];
  if (filters.state) conditions.push(sql<boolean>`${sql.ref('t.state')} = any(cast(${filters.state} as text[]))`);
  if (filters.projectId) conditions.push(sql<boolean>`${sql.ref('t.project_id')} = cast(${filters.projectId} as uuid)`);
  if (filters.currentAgent) conditions.push(sql<boolean>`${sql.ref('t.current_agent')} = ${filters.currentAgent}`);
  if (filters.createdFrom) conditions.push(sql<boolean>`${sql.ref('t.created_at')} >= ${filters.createdFrom}`);
  if (filters.createdTo) conditions.push(sql<boolean>`${sql.ref('t.created_at')} < ${filters.createdTo}`);
  return sql<boolean>`${sql.join(conditions, sql` and `)}`;
}

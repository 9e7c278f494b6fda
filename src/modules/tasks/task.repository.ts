import { TenantRepository } from '../../platform/database/tenant-repository.js';
import { LockMode } from '@mikro-orm/core';
import { jsonBuildObject } from 'kysely/helpers/postgres';
import { EXAMPLE_ID, RecordSql } from '../../platform/database/sql/record-sql.decorator.js';
import { isoInstant, queryRows, sql } from '../../platform/database/sql/sql.js';
import { encodeCursor, keysetPage, NEWEST_FIRST } from '../../platform/pagination/keyset.js';
import type { Page } from '../../platform/pagination/page.js';
import type { ListTasksQuery } from './dto/list-tasks.query.js';
import { Task } from './task.entity.js';
import type { LargeTaskFields, TaskListRow } from './task.view.js';
import type { StateCount } from './task-stats.js';
import type { TaskTables } from './task-tables.js';

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

const EXAMPLE_TASK: NewTask = { prompt: 'Summarise the report', projectId: 'example-project', config: {}, metadata: {} };
const EXAMPLE_FILTERS: Partial<ListTasksQuery> = {
  limit: 20,
  state: ['pending', 'running'],
  projectId: 'example-project',
  currentAgent: 'reviewer',
  createdFrom: new Date('2026-01-01T00:00:00.000Z'),
  createdTo: new Date('2026-02-01T00:00:00.000Z'),
  cursor: encodeCursor(NEWEST_FIRST, { id: EXAMPLE_ID, createdAt: '2026-01-15T00:00:00.000Z' }),
};

/** Tasks of the current tenant: the ORM's tenant filter scopes its entity reads, the tenant named scopes its SQL. */
export class TaskRepository extends TenantRepository<Task> {
  @RecordSql([EXAMPLE_TASK])
  async add(fields: NewTask): Promise<Task> {
    const task = Object.assign(new Task(fields.prompt), fields);
    await this.em.persist(task).flush();
    return task;
  }

  @RecordSql([EXAMPLE_ID])
  byId(id: string): Promise<Task | null> {
    return this.findOne({ id });
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
    let select = this.em
      .getKysely<TaskTables>()
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
        sql<string[]>`(select coalesce(json_agg(d.depends_on_id order by d.depends_on_id), '[]'::json)
          from task_dependencies d where d.tenant_id = t.tenant_id and d.task_id = t.id)`.as('dependsOn'),
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
      .where('t.tenant_id', '=', this.tenantId());
    if (query.state) select = select.where((eb) => eb('t.state', '=', eb.fn.any(eb.val(query.state))));
    if (query.projectId) select = select.where('t.project_id', '=', query.projectId);
    if (query.currentAgent) select = select.where('t.current_agent', '=', query.currentAgent);
    if (query.createdFrom) select = select.where('t.created_at', '>=', query.createdFrom);
    if (query.createdTo) select = select.where('t.created_at', '<', query.createdTo);
    return keysetPage(this.em, select, 't', query, NEWEST_FIRST);
  }

  /** How many tasks are in each state, per project; of one project only when it is named. */
  @RecordSql([undefined], ['example-project'])
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

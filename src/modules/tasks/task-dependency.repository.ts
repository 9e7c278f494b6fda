import type { Kysely } from 'kysely';
import { AdvisoryLockClass } from '../../platform/database/advisory-locks.js';
import { EXAMPLE_ID, RecordSql } from '../../platform/database/sql/record-sql.decorator.js';
import { queryRow, queryRows, sql } from '../../platform/database/sql/sql.js';
import { TenantRepository } from '../../platform/database/tenant-repository.js';
import type { LineageQuery } from './dto/lineage.query.js';
import { traceCycle } from './task-cycle.js';
import { TaskDependency } from './task-dependency.entity.js';
import { type Lineage, type LineageDirection, maxEdgesOf } from './task-lineage.js';
import type { TaskState } from './task-state.js';
import type { TaskTables } from './task-tables.js';

const OTHER_EXAMPLE_ID = '00000000-0000-7000-8000-000000000002';

/** The names of a lineage walk and its edge's columns: from the task reached to the next. */
const WALKS: Record<
  LineageDirection,
  { name: ReturnType<typeof sql.ref>; from: ReturnType<typeof sql.ref>; to: ReturnType<typeof sql.ref> }
> = {
  upstream: { name: sql.ref('upstream'), from: sql.ref('d.task_id'), to: sql.ref('d.depends_on_id') },
  downstream: { name: sql.ref('downstream'), from: sql.ref('d.depends_on_id'), to: sql.ref('d.task_id') },
};

/** The dependency graph between the current tenant's tasks: its edges, its lock, and the walks over it. */
export class TaskDependencyRepository extends TenantRepository<TaskDependency> {
  /** The ids each of the given tasks depends on, sorted, in one query. */
  @RecordSql([[EXAMPLE_ID, OTHER_EXAMPLE_ID]])
  async dependsOnOf(taskIds: readonly string[]): Promise<Map<string, string[]>> {
    const byTask = new Map<string, string[]>(taskIds.map((id) => [id, []]));
    if (taskIds.length === 0) return byTask;
    const edges = await queryRows(this.em, dependsOnSelect(this.em.getKysely<TaskTables>(), this.tenantId(), taskIds));
    for (const edge of edges) byTask.get(edge.task_id)?.push(edge.depends_on_id);
    return byTask;
  }

  @RecordSql([EXAMPLE_ID, [OTHER_EXAMPLE_ID]])
  async add(taskId: string, dependsOn: readonly string[]): Promise<void> {
    for (const dependsOnId of dependsOn) this.em.persist(new TaskDependency(taskId, dependsOnId));
    await this.em.flush();
  }

  /** Makes `dependsOn` what the task depends on, writing only the edges that change: each is one audited resource. */
  @RecordSql([EXAMPLE_ID, [OTHER_EXAMPLE_ID]], [EXAMPLE_ID, []])
  async replace(taskId: string, dependsOn: readonly string[]): Promise<void> {
    await this.nativeDelete(dependsOn.length > 0 ? { taskId, dependsOnId: { $nin: [...dependsOn] } } : { taskId });
    const kept = new Set((await this.find({ taskId }, { fields: ['dependsOnId'] })).map((edge) => edge.dependsOnId));
    await this.add(
      taskId,
      dependsOn.filter((id) => !kept.has(id)),
    );
  }

  /**
   * Serialises the edits of the tenant's graph until the unit of work ends, so two concurrent edits
   * cannot close a cycle together. Taken before any task row lock (re-entrant within the transaction).
   */
  @RecordSql()
  async lockGraph(): Promise<void> {
    await queryRows(this.em, sql`select pg_advisory_xact_lock(${AdvisoryLockClass.TaskGraph}::int4, hashtext(${this.tenantId()}))`);
  }

  /** The tasks this one depends on that have not completed: what blocks it from running. */
  @RecordSql([EXAMPLE_ID])
  blockersOf(taskId: string): Promise<{ id: string; state: TaskState }[]> {
    return queryRows(this.em, blockersSelect(this.em.getKysely<TaskTables>(), this.tenantId(), taskId));
  }

  /** The tasks that depend on this one (at most `limit`, by id), with their states: what keeps it from being deleted. */
  @RecordSql([EXAMPLE_ID, 100])
  dependentsOf(taskId: string, limit: number): Promise<{ id: string; state: TaskState }[]> {
    return queryRows(
      this.em,
      this.em
        .getKysely<TaskTables>()
        .selectFrom('task_dependencies as d')
        .innerJoin('tasks as t', (join) => join.onRef('t.tenant_id', '=', 'd.tenant_id').onRef('t.id', '=', 'd.task_id'))
        .select(['t.id', 't.state'])
        .where('d.tenant_id', '=', this.tenantId())
        .where('d.depends_on_id', '=', taskId)
        .orderBy('t.id')
        .limit(limit),
    );
  }

  /**
   * The cycle `taskId → dependsOn` would close, if any: it does when the task is upstream of a new
   * dependency. The walk's rows are task ids and `union` drops the ones already seen, so each task is
   * expanded once: a dense graph costs its size, not its number of paths. Only when the task is reached
   * does the statement name, for each task seen, one task of the walk that depends on it (the task
   * itself for a new dependency; else a new dependency if one does, which keeps the cycle short);
   * following those back from the task traces the cycle.
   */
  @RecordSql([EXAMPLE_ID, [OTHER_EXAMPLE_ID]])
  async cycleClosedBy(taskId: string, dependsOn: readonly string[]): Promise<string[] | undefined> {
    if (dependsOn.length === 0) return undefined;
    const tenantId = this.tenantId();
    const starts = [...dependsOn];
    const reached = await queryRows<{ id: string; via: string }>(
      this.em,
      sql`
        with recursive reach(id) as (
          select unnest(${starts}::uuid[])
          union
          select e.depends_on_id from reach
          join task_dependencies e on e.tenant_id = ${tenantId} and e.task_id = reach.id
          where reach.id <> ${taskId}::uuid
        )
        select unnest(${starts}::uuid[]) as id, ${taskId}::uuid as via where exists (select from reach where id = ${taskId}::uuid)
        union all
        select e.depends_on_id, (array_agg(e.task_id order by e.task_id = any(${starts}::uuid[]) desc, e.task_id))[1] from reach r
        join task_dependencies e on e.tenant_id = ${tenantId} and e.depends_on_id = r.id
        where exists (select from reach where id = ${taskId}::uuid) and r.id <> all(${starts}::uuid[])
          and e.task_id <> ${taskId}::uuid and e.task_id in (select id from reach)
        group by e.depends_on_id`,
    );
    return traceCycle(reached, taskId);
  }

  /**
   * The graph around a task, read in one statement whose cost is bounded by what it returns. Each
   * direction is a breadth-first walk whose recursive row is a whole level: the frontier and every task
   * seen so far, so a task enters the walk once, at its nearest depth, however many paths lead to it
   * (a walk over edges instead expands a task once per path length reaching it). A walk stops at
   * `maxDepth` or as soon as it has seen more than `maxNodes` tasks. Without a hint: that is the
   * service's to give.
   */
  @RecordSql(
    [EXAMPLE_ID, { direction: 'both', maxDepth: 5, maxNodes: 1_000 }],
    [EXAMPLE_ID, { direction: 'upstream', maxDepth: 2, maxNodes: 10 }],
  )
  async lineage(taskId: string, query: LineageQuery): Promise<Lineage> {
    const tenantId = this.tenantId();
    const { maxDepth, maxNodes } = query;
    const maxEdges = maxEdgesOf(query);
    const asked = (direction: LineageDirection) => query.direction === direction || query.direction === 'both';

    /** The walk in one direction, a row per level (none when the direction is not asked for). */
    const walk = (direction: LineageDirection) => {
      const { name, from, to } = WALKS[direction];
      return sql`
      ${name}(depth, frontier, seen) as (
        select 0, array[${taskId}::uuid], array[${taskId}::uuid] where ${asked(direction)}::boolean
        union all
        select w.depth + 1, next.ids, w.seen || next.ids from ${name} w
        cross join lateral (
          select coalesce(array_agg(fresh.id), '{}') as ids from (
            select ${to} as id from task_dependencies d
            where d.tenant_id = ${tenantId} and ${from} = any(w.frontier)
            except select unnest(w.seen)
          ) fresh
        ) next
        where w.depth < ${maxDepth} and cardinality(w.frontier) > 0 and cardinality(w.seen) <= ${maxNodes}
      )`;
    };
    /**
     * The edges a walk followed between kept tasks: out of a task nearer than maxDepth, in its
     * direction. Their far ends were all reached; only when tasks were cut must each be looked up
     * (in a hash, as the lookup sits under an OR).
     */
    const followed = (direction: LineageDirection) => {
      const { from, to } = WALKS[direction];
      return sql`
      select d.task_id, d.depends_on_id, near.depth from kept near
      join task_dependencies d on d.tenant_id = ${tenantId} and ${from} = near.id
      where ${asked(direction)}::boolean and near.direction in ('self', ${direction}) and near.depth < ${maxDepth}
        and (not (select nodes from cut) or ${to} in (select id from kept where direction = ${direction}))`;
    };

    const row = await queryRow<{ lineage: Lineage }>(
      this.em,
      sql`
      with recursive ${walk('upstream')}, ${walk('downstream')},
      reached as (
        select id, depth, 'upstream' as direction from upstream, unnest(upstream.frontier) id where depth > 0
        union all
        select id, depth, 'downstream' from downstream, unnest(downstream.frontier) id where depth > 0
      ),
      kept as (
        select ${taskId}::uuid as id, 0 as depth, 'self' as direction
        union all
        (select id, depth, direction from reached order by depth, id limit ${maxNodes - 1})
      ),
      cut as (select count(*) >= ${maxNodes} as nodes from reached),
      edges as (${followed('upstream')} union all ${followed('downstream')}),
      -- Nearest first; one beyond the cap tells whether there were more.
      kept_edges as (
        select task_id, depends_on_id, depth from edges order by depth, task_id, depends_on_id limit ${maxEdges + 1}
      )
      select json_build_object(
        'nodes', (select coalesce(json_agg(json_build_object(
            'id', t.id, 'state', t.state, 'projectId', t.project_id, 'currentAgent', t.current_agent,
            'depth', k.depth, 'direction', k.direction) order by k.direction <> 'self', k.depth, t.id), '[]')
          from kept k join tasks t on t.tenant_id = ${tenantId} and t.id = k.id),
        'edges', (select coalesce(json_agg(e), '[]') from (
            select task_id as "from", depends_on_id as "to" from kept_edges order by depth, task_id, depends_on_id limit ${maxEdges}
          ) e),
        'truncated', (select nodes from cut) or (select count(*) from kept_edges) > ${maxEdges}
      ) as lineage`,
    );
    return row!.lineage;
  }
}

/** The edges out of the given tasks, each task's sorted by what it depends on. Exported for the benchmark's thin twin too. */
export function dependsOnSelect(db: Kysely<TaskTables>, tenantId: string, taskIds: readonly string[]) {
  return db
    .selectFrom('task_dependencies as d')
    .select(['d.task_id', 'd.depends_on_id'])
    .where('d.tenant_id', '=', tenantId)
    .where('d.task_id', 'in', [...taskIds])
    .orderBy('d.depends_on_id');
}

/** The tasks this one depends on that have not completed, by id. Exported for the benchmark's thin twin, which runs the same statement. */
export function blockersSelect(db: Kysely<TaskTables>, tenantId: string, taskId: string) {
  return db
    .selectFrom('task_dependencies as d')
    .innerJoin('tasks as t', (join) => join.onRef('t.tenant_id', '=', 'd.tenant_id').onRef('t.id', '=', 'd.depends_on_id'))
    .select(['t.id', 't.state'])
    .where('d.tenant_id', '=', tenantId)
    .where('d.task_id', '=', taskId)
    .where('t.state', '<>', 'completed')
    .orderBy('t.id');
}

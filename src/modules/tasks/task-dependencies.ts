import { Injectable } from '@nestjs/common';
import { raw, sql } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { ProblemException } from '../../platform/errors/problem.exception.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import type { LineageQuery } from './dto/lineage.query.js';
import { Task } from './task.entity.js';
import { TaskDependency } from './task-dependency.entity.js';
import type { TaskState } from './task-state.js';

export interface Lineage {
  nodes: { id: string; state: TaskState; projectId: string | null; currentAgent: string | null; depth: number; direction: 'self' | 'upstream' | 'downstream' }[];
  edges: { from: string; to: string }[];
}

/**
 * The dependency graph between a tenant's tasks. Raw SQL here: the ORM's tenant filter does not apply
 * to it, so every statement names the tenant (for the indexes) and row-level security holds anyway.
 */
@Injectable()
export class TaskDependencies {
  constructor(private readonly em: EntityManager) {}

  /** The ids each of the given tasks depends on, in one query. */
  async of(taskIds: readonly string[]): Promise<Map<string, string[]>> {
    const byTask = new Map<string, string[]>(taskIds.map((id) => [id, []]));
    if (taskIds.length === 0) return byTask;
    const edges = await this.em.find(TaskDependency, { taskId: { $in: [...taskIds] } }, { orderBy: { dependsOnId: 'asc' }, disableIdentityMap: true });
    for (const edge of edges) byTask.get(edge.taskId)?.push(edge.dependsOnId);
    return byTask;
  }

  /** A select-list column `dependsOn` (ids, sorted) for the tasks of a query aliased `alias`: lists read it in the same query. */
  dependsOnColumn(alias: string) {
    return raw(
      `(select coalesce(json_agg(d.depends_on_id order by d.depends_on_id), '[]'::json) from task_dependencies d
        where d.tenant_id = ${alias}.tenant_id and d.task_id = ${alias}.id) as "dependsOn"`,
    );
  }

  /** Replaces what a task depends on, refusing unknown tasks and cycles. */
  async replace(taskId: string, dependsOn: readonly string[]): Promise<void> {
    if (dependsOn.includes(taskId)) {
      throw new ProblemException(409, 'A task cannot depend on itself.', { cycle: [taskId, taskId] });
    }
    await this.lockGraph();
    await this.assertExist(dependsOn);
    await this.assertNoCycle(taskId, dependsOn);
    // Only the edges that change are written: each is one audited resource.
    await this.em.nativeDelete(TaskDependency, dependsOn.length > 0 ? { taskId, dependsOnId: { $nin: [...dependsOn] } } : { taskId });
    const kept = new Set((await this.em.find(TaskDependency, { taskId }, { fields: ['dependsOnId'] })).map((edge) => edge.dependsOnId));
    for (const dependsOnId of dependsOn.filter((id) => !kept.has(id))) {
      this.em.persist(new TaskDependency(taskId, dependsOnId));
    }
    await this.em.flush();
  }

  /**
   * Serialises the edits of one tenant's graph, so two concurrent edits cannot close a cycle
   * together. Taken before any task row lock (re-entrant within the transaction).
   */
  async lockGraph(): Promise<void> {
    await this.em.execute(sql`select pg_advisory_xact_lock(hashtextextended(${JSON.stringify(['task-graph', this.tenantId()])}, 0))`);
  }

  /** Dependencies of the task that have not completed: what blocks it from running. */
  async unfinished(taskId: string): Promise<{ id: string; state: TaskState }[]> {
    return this.em.execute(sql`
      select t.id, t.state from task_dependencies d
      join tasks t on t.tenant_id = d.tenant_id and t.id = d.depends_on_id
      where d.tenant_id = ${this.tenantId()} and d.task_id = ${taskId} and t.state <> 'completed'
      order by t.id`);
  }

  /** The dependency graph around a task, depth-bounded, in one recursive query. */
  async lineage(taskId: string, query: LineageQuery): Promise<Lineage> {
    const tenantId = this.tenantId();
    const upstream = query.direction !== 'downstream';
    const downstream = query.direction !== 'upstream';
    const [{ lineage }] = await this.em.execute<{ lineage: Lineage }[]>(sql`
      with recursive
      up(task_id, depends_on_id, depth) as (
        select d.task_id, d.depends_on_id, 1 from task_dependencies d
        where ${upstream} and d.tenant_id = ${tenantId} and d.task_id = ${taskId}
        union
        select d.task_id, d.depends_on_id, up.depth + 1 from up
        join task_dependencies d on d.tenant_id = ${tenantId} and d.task_id = up.depends_on_id
        where up.depth < ${query.maxDepth}
      ),
      down(task_id, depends_on_id, depth) as (
        select d.task_id, d.depends_on_id, 1 from task_dependencies d
        where ${downstream} and d.tenant_id = ${tenantId} and d.depends_on_id = ${taskId}
        union
        select d.task_id, d.depends_on_id, down.depth + 1 from down
        join task_dependencies d on d.tenant_id = ${tenantId} and d.depends_on_id = down.task_id
        where down.depth < ${query.maxDepth}
      ),
      edges as (
        select distinct task_id, depends_on_id from up union select distinct task_id, depends_on_id from down
      ),
      nodes as (
        select id, min(depth) as depth, direction from (
          select ${taskId}::uuid as id, 0 as depth, 'self' as direction
          union all select depends_on_id, depth, 'upstream' from up
          union all select task_id, depth, 'downstream' from down
        ) reached group by id, direction
      )
      select json_build_object(
        'nodes', (select coalesce(json_agg(json_build_object(
            'id', t.id, 'state', t.state, 'projectId', t.project_id, 'currentAgent', t.current_agent,
            'depth', n.depth, 'direction', n.direction) order by n.direction <> 'self', n.depth, t.id), '[]')
          from nodes n join tasks t on t.tenant_id = ${tenantId} and t.id = n.id),
        'edges', (select coalesce(json_agg(json_build_object('from', task_id, 'to', depends_on_id) order by task_id, depends_on_id), '[]') from edges)
      ) as lineage`);
    return lineage;
  }

  private async assertExist(taskIds: readonly string[]): Promise<void> {
    if (taskIds.length === 0) return;
    const found = await this.em.find(Task, { id: { $in: [...taskIds] } }, { fields: ['id'], disableIdentityMap: true });
    const known = new Set(found.map((task) => task.id));
    const unknown = taskIds.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new ProblemException(400, 'dependsOn names tasks that do not exist.', {
        errors: [{ field: 'dependsOn', messages: unknown.map((id) => `unknown task ${id}`) }],
      });
    }
  }

  /**
   * Would `taskId → dependsOn` close a loop? It does when the task is reachable upstream of a new
   * dependency. The walk visits each edge once (`union` drops repeats), so a dense graph costs its
   * size, not its number of paths; the cycle is then traced back through the visited edges.
   */
  private async assertNoCycle(taskId: string, dependsOn: readonly string[]): Promise<void> {
    if (dependsOn.length === 0) return;
    const tenantId = this.tenantId();
    const reached = await this.em.execute<{ id: string; via: string }[]>(sql`
      with recursive reach(id, via) as (
        select d, ${taskId}::uuid from unnest(${uuidArrayLiteral(dependsOn)}::uuid[]) as d
        union
        select e.depends_on_id, e.task_id from reach
        join task_dependencies e on e.tenant_id = ${tenantId} and e.task_id = reach.id
        where reach.id <> ${taskId}::uuid
      )
      select id, via from reach order by id, via`);
    const cycle = traceBack(reached, taskId);
    if (cycle) {
      throw new ProblemException(409, 'These dependencies would create a cycle.', { cycle });
    }
  }

  private tenantId(): string {
    return TenantContext.current().tenantId;
  }
}

/** A PostgreSQL array literal of already validated UUIDs, to pass a list as one parameter. */
function uuidArrayLiteral(ids: readonly string[]): string {
  return `{${ids.join(',')}}`;
}

/** The path taskId → … → taskId through the visited edges (each reached id → the id it was reached from), if any. */
function traceBack(reached: { id: string; via: string }[], taskId: string): string[] | undefined {
  const cameFrom = new Map<string, string>();
  for (const { id, via } of reached) {
    if (!cameFrom.has(id)) cameFrom.set(id, via);
  }
  if (!cameFrom.has(taskId)) return undefined;
  const path = [taskId];
  for (let current = cameFrom.get(taskId)!; current !== taskId; current = cameFrom.get(current)!) {
    path.unshift(current);
  }
  return [taskId, ...path];
}

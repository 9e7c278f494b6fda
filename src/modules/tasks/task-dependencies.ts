import { Injectable } from '@nestjs/common';
import { raw, sql } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { AdvisoryLockClass } from '../../platform/database/advisory-locks.js';
import { ProblemException } from '../../platform/errors/problem.exception.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import { Task } from './task.entity.js';
import { TaskDependency } from './task-dependency.entity.js';
import type { TaskState } from './task-state.js';
import { uuidArrayLiteral } from './uuid-array.js';

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

  /**
   * The first dependencies of a task being created. Nothing can depend on it before its transaction
   * commits, so they close no cycle: no graph lock, no walk.
   */
  async addToNew(taskId: string, dependsOn: readonly string[]): Promise<void> {
    await this.assertExist(dependsOn);
    this.persistEdges(taskId, dependsOn);
    await this.em.flush();
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
    this.persistEdges(taskId, dependsOn.filter((id) => !kept.has(id)));
    await this.em.flush();
  }

  /**
   * Serialises the edits of one tenant's graph, so two concurrent edits cannot close a cycle
   * together. Taken before any task row lock (re-entrant within the transaction).
   */
  async lockGraph(): Promise<void> {
    await this.em.execute(sql`select pg_advisory_xact_lock(${AdvisoryLockClass.TaskGraph}::int4, hashtext(${this.tenantId()}))`);
  }

  /** Dependencies of the task that have not completed: what blocks it from running. */
  async unfinished(taskId: string): Promise<{ id: string; state: TaskState }[]> {
    return this.em.execute(sql`
      select t.id, t.state from task_dependencies d
      join tasks t on t.tenant_id = d.tenant_id and t.id = d.depends_on_id
      where d.tenant_id = ${this.tenantId()} and d.task_id = ${taskId} and t.state <> 'completed'
      order by t.id`);
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
   * Would `taskId → dependsOn` close a loop? It does when the task is upstream of a new dependency.
   * The walk's rows are task ids and `union` drops the ones already seen, so each task is expanded
   * once: a dense graph costs its size, not its number of paths. Only when the task is reached does
   * the statement name, for each task seen, one task of the walk that depends on it (the task itself
   * for a new dependency; else a new dependency if one does, which keeps the cycle short). Following
   * those back from the task traces a cycle: the graph without the new edges has none, so it ends.
   */
  private async assertNoCycle(taskId: string, dependsOn: readonly string[]): Promise<void> {
    if (dependsOn.length === 0) return;
    const tenantId = this.tenantId();
    const starts = uuidArrayLiteral(dependsOn);
    const reached = await this.em.execute<{ id: string; via: string }[]>(sql`
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
      group by e.depends_on_id`);
    const cycle = traceBack(reached, taskId);
    if (cycle) {
      throw new ProblemException(409, 'These dependencies would create a cycle.', { cycle });
    }
  }

  private persistEdges(taskId: string, dependsOn: readonly string[]): void {
    for (const dependsOnId of dependsOn) {
      this.em.persist(new TaskDependency(taskId, dependsOnId));
    }
  }

  private tenantId(): string {
    return TenantContext.current().tenantId;
  }
}

/** The path taskId → … → taskId through the walk (each reached id → a task that depends on it), if the task was reached. */
function traceBack(reached: { id: string; via: string }[], taskId: string): string[] | undefined {
  const cameFrom = new Map(reached.map(({ id, via }) => [id, via]));
  if (!cameFrom.has(taskId)) return undefined;
  const path = [taskId];
  for (let current = cameFrom.get(taskId)!; current !== taskId; current = cameFrom.get(current)!) {
    path.unshift(current);
  }
  return [taskId, ...path];
}

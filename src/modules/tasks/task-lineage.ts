import { Injectable } from '@nestjs/common';
import { raw, sql } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import { LINEAGE_EDGES_PER_NODE, type LineageQuery } from './dto/lineage.query.js';
import type { TaskState } from './task-state.js';

export interface Lineage {
  nodes: { id: string; state: TaskState; projectId: string | null; currentAgent: string | null; depth: number; direction: 'self' | 'upstream' | 'downstream' }[];
  edges: { from: string; to: string }[];
  truncated: boolean;
  hint?: string;
}

/**
 * The dependency graph around a task, read in one statement whose cost is bounded by what it returns.
 * Each direction is a breadth-first walk whose recursive row is a whole level: the frontier and every
 * task seen so far, so a task enters the walk once, at its nearest depth, however many paths lead to it
 * (a walk over edges instead expands a task once per path length reaching it). A walk stops at
 * `maxDepth` or as soon as it has seen more than `maxNodes` tasks.
 *
 * Raw SQL: the ORM's tenant filter does not apply, so every statement names the tenant (for the
 * indexes) and row-level security holds anyway.
 */
type Direction = 'upstream' | 'downstream';

/** The edge's columns in each direction of a walk: from the task reached to the next. */
const COLUMNS: Record<Direction, { from: string; to: string }> = {
  upstream: { from: 'task_id', to: 'depends_on_id' },
  downstream: { from: 'depends_on_id', to: 'task_id' },
};

@Injectable()
export class TaskLineage {
  constructor(private readonly em: EntityManager) {}

  async of(taskId: string, query: LineageQuery): Promise<Lineage> {
    const tenantId = TenantContext.current().tenantId;
    const { maxDepth, maxNodes } = query;
    const maxEdges = maxNodes * LINEAGE_EDGES_PER_NODE;
    const asked = (direction: Direction) => query.direction !== opposite(direction);

    /** The walk in one direction, a row per level (none when the direction is not asked for). */
    const walk = (direction: Direction) => sql`
      ${raw(direction)}(depth, frontier, seen) as (
        select 0, array[${taskId}::uuid], array[${taskId}::uuid] where ${asked(direction)}
        union all
        select w.depth + 1, next.ids, w.seen || next.ids from ${raw(direction)} w
        cross join lateral (
          select coalesce(array_agg(fresh.id), '{}') as ids from (
            select ${raw(`d.${COLUMNS[direction].to}`)} as id from task_dependencies d
            where d.tenant_id = ${tenantId} and ${raw(`d.${COLUMNS[direction].from}`)} = any(w.frontier)
            except select unnest(w.seen)
          ) fresh
        ) next
        where w.depth < ${maxDepth} and cardinality(w.frontier) > 0 and cardinality(w.seen) <= ${maxNodes}
      )`;
    /**
     * The edges a walk followed between kept tasks: out of a task nearer than maxDepth, in its
     * direction. Their far ends were all reached; only when tasks were cut must each be looked up
     * (in a hash, as the lookup sits under an OR).
     */
    const followed = (direction: Direction) => sql`
      select d.task_id, d.depends_on_id, near.depth from kept near
      join task_dependencies d on d.tenant_id = ${tenantId} and ${raw(`d.${COLUMNS[direction].from}`)} = near.id
      where ${asked(direction)} and near.direction in ('self', ${direction}) and near.depth < ${maxDepth}
        and (not (select nodes from cut) or ${raw(`d.${COLUMNS[direction].to}`)} in (select id from kept where direction = ${direction}))`;

    const [{ lineage }] = await this.em.execute<{ lineage: Lineage }[]>(sql`
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
      ) as lineage`);
    if (!lineage.truncated) return lineage;
    return {
      ...lineage,
      hint: `More than ${maxNodes} tasks or ${maxEdges} dependencies are within reach; the nearest are returned. Ask for a smaller maxDepth (now ${maxDepth})${query.direction === 'both' ? ' or one direction' : ''} to see all of a narrower graph.`,
    };
  }
}

function opposite(direction: Direction): Direction {
  return direction === 'upstream' ? 'downstream' : 'upstream';
}

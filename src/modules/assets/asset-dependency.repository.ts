import { v7 as uuidv7 } from 'uuid';
import { EXAMPLE_ID, RecordSql } from '../../platform/database/sql/record-sql.decorator.js';
import { isoInstant, queryRow, queryRows, sql } from '../../platform/database/sql/sql.js';
import { TenantRepository } from '../../platform/database/tenant-repository.js';
import { keysetPage, NEWEST_FIRST } from '../../platform/pagination/keyset.js';
import type { Page, PageQuery } from '../../platform/pagination/page.js';
import { GLOBAL_TENANT_ID } from '../../platform/tenancy/global-catalogue.js';
import type { AssetDependency } from './asset-dependency.entity.js';
import type { DependencyView, Lineage, LineageDirection, LineageRequest } from './asset-graph.js';
import { DEPENDENCY_TYPES, type DependencyType } from './asset-type.js';
import type { AssetTables } from './assets.tables.js';

/** Edges returned per node asked for: keeps the largest lineage answer near half a megabyte of JSON. */
export const LINEAGE_EDGES_PER_NODE = 5;

type Walk = 'upstream' | 'downstream';

/** The edge's columns in each direction of a walk: from the asset reached to the next. */
const WALK_COLUMNS: Record<Walk, { from: string; to: string }> = {
  upstream: { from: 'd.downstream_id', to: 'd.upstream_id' },
  downstream: { from: 'd.upstream_id', to: 'd.downstream_id' },
};

const EXAMPLE_LINEAGE: LineageRequest = { direction: 'both', maxDepth: 5, maxNodes: 1_000, types: DEPENDENCY_TYPES };

/**
 * The SQL of the asset graph. Statements name the tenant themselves (Kysely is not filtered by the
 * ORM), and row-level security holds underneath regardless.
 */
export class AssetDependencyRepository extends TenantRepository<AssetDependency> {
  /**
   * Declares that `downstreamId` depends on `upstreamId`, an asset of the tenant or of the global
   * catalogue (`upstreamTenantId`); a duplicate raises the unique violation.
   */
  @RecordSql([EXAMPLE_ID, '00000000-0000-7000-8000-000000000002', 'example-tenant', 'data'])
  async declare(downstreamId: string, upstreamId: string, upstreamTenantId: string, type: DependencyType): Promise<DependencyView> {
    const row = {
      id: uuidv7(),
      tenant_id: this.tenantId(),
      upstream_id: upstreamId,
      upstream_tenant_id: upstreamTenantId,
      downstream_id: downstreamId,
      type,
      workflow_id: null,
      created_at: new Date(),
    };
    return (await queryRow(this.em, this.kysely().insertInto('asset_dependencies').values(row).returning(viewColumns())))!;
  }

  /** The edge `id` into the asset, if the tenant reads it (its own, or a global one between global assets). */
  @RecordSql([EXAMPLE_ID, EXAMPLE_ID])
  async into(assetId: string, id: string): Promise<DependencyView | undefined> {
    return queryRow(this.em, this.selectViews().where('d.downstream_id', '=', assetId).where('d.id', '=', id));
  }

  /** Deletes the tenant's own edge (the ORM's tenant filter, and row-level security, keep global ones). */
  @RecordSql([EXAMPLE_ID])
  async remove(id: string): Promise<void> {
    await this.nativeDelete({ id });
  }

  @RecordSql([EXAMPLE_ID, 'both', undefined, { limit: 50 }], [EXAMPLE_ID, 'upstream', 'data', { limit: 50 }])
  async page(
    assetId: string,
    direction: LineageDirection,
    type: DependencyType | undefined,
    query: PageQuery,
  ): Promise<Page<DependencyView>> {
    let select = this.selectViews();
    if (direction === 'upstream') select = select.where('d.downstream_id', '=', assetId);
    if (direction === 'downstream') select = select.where('d.upstream_id', '=', assetId);
    if (direction === 'both')
      select = select.where((where) => where.or([where('d.downstream_id', '=', assetId), where('d.upstream_id', '=', assetId)]));
    if (type) select = select.where('d.type', '=', type);
    return keysetPage(this.em, select, 'd', query, NEWEST_FIRST);
  }

  /**
   * Replaces the edges a workflow derives: every input → every output (`data`), in two statements.
   * Audited row by row like any other edge.
   */
  @RecordSql([EXAMPLE_ID, [EXAMPLE_ID], ['00000000-0000-7000-8000-000000000002']])
  async replaceDerived(workflowId: string, inputs: readonly string[], outputs: readonly string[]): Promise<void> {
    const tenantId = this.tenantId();
    await queryRows(
      this.em,
      this.kysely().deleteFrom('asset_dependencies').where('tenant_id', '=', tenantId).where('workflow_id', '=', workflowId),
    );
    if (inputs.length === 0 || outputs.length === 0) return;
    const rows = inputs.flatMap((upstreamId) =>
      outputs
        .filter((downstreamId) => downstreamId !== upstreamId)
        .map((downstreamId) => ({
          id: uuidv7(),
          tenant_id: tenantId,
          upstream_id: upstreamId,
          upstream_tenant_id: tenantId,
          downstream_id: downstreamId,
          type: 'data',
          workflow_id: workflowId,
          created_at: new Date(),
        })),
    );
    if (rows.length > 0) await queryRows(this.em, this.kysely().insertInto('asset_dependencies').values(rows));
  }

  /**
   * The graph around an asset in one statement whose cost is bounded by what it returns. Each
   * direction is a breadth-first walk whose recursive row is a whole level (the frontier and every
   * asset seen so far), so an asset enters the walk once, at its nearest depth, however many paths
   * lead to it, and a cycle ends the walk instead of looping it. A walk stops at `maxDepth` or as soon
   * as it has seen more than `maxNodes` assets. The edges are those of the asked types between kept
   * assets, nearest first, at most LINEAGE_EDGES_PER_NODE per node. Only the tenant's own edges and
   * the global catalogue's are walked; a global edge joins two global assets (its foreign keys and
   * check say so), so a global asset never leads to another tenant's. No nodes: the tenant reads no
   * such asset.
   */
  @RecordSql([EXAMPLE_ID, EXAMPLE_LINEAGE], [EXAMPLE_ID, { ...EXAMPLE_LINEAGE, direction: 'upstream', types: ['data'] }])
  async lineage(assetId: string, request: LineageRequest): Promise<Lineage> {
    const tenantId = this.tenantId();
    const edgeTenants = [tenantId, GLOBAL_TENANT_ID];
    const { maxDepth, maxNodes } = request;
    const maxEdges = maxNodes * LINEAGE_EDGES_PER_NODE;
    const types = [...request.types];
    const walk = (direction: Walk) => {
      const { from, to } = WALK_COLUMNS[direction];
      return sql`${sql.id(direction)}(depth, frontier, seen) as (
        select 0, array[cast(${assetId} as uuid)], array[cast(${assetId} as uuid)] where ${request.direction !== opposite(direction)}
        union all
        select w.depth + 1, next.ids, w.seen || next.ids from ${sql.id(direction)} w
        cross join lateral (
          select coalesce(array_agg(fresh.id), '{}') as ids from (
            select ${sql.ref(to)} as id from asset_dependencies d
            where d.tenant_id = any(cast(${edgeTenants} as text[])) and ${sql.ref(from)} = any(w.frontier) and d.type = any(cast(${types} as text[]))
            except select unnest(w.seen)
          ) fresh
        ) next
        where w.depth < ${maxDepth} and cardinality(w.frontier) > 0 and cardinality(w.seen) <= ${maxNodes}
      )`;
    };
    const row = await queryRow(
      this.em,
      sql<{ lineage: Lineage }>`
      with recursive ${walk('upstream')}, ${walk('downstream')},
      reached as (
        select id, min(depth) as depth from (
          select id, depth from upstream, unnest(upstream.frontier) id where depth > 0
          union all
          select id, depth from downstream, unnest(downstream.frontier) id where depth > 0
        ) walked group by id
      ),
      kept as (
        select cast(${assetId} as uuid) as id, 0 as depth
        union all
        (select id, depth from reached order by depth, id limit ${maxNodes - 1})
      ),
      cut as (select count(*) >= ${maxNodes} as nodes from reached),
      -- Nearest first; one beyond the cap tells whether there were more.
      kept_edges as (
        select d.upstream_id, d.downstream_id, d.type, greatest(near.depth, far.depth) as depth from kept near
        join asset_dependencies d on d.tenant_id = any(cast(${edgeTenants} as text[])) and d.upstream_id = near.id and d.type = any(cast(${types} as text[]))
        join kept far on far.id = d.downstream_id
        order by 4, 1, 2, 3 limit ${maxEdges + 1}
      )
      select json_build_object(
        'nodes', (select coalesce(json_agg(json_build_object(
            'id', a.id, 'name', a.name, 'assetType', a.asset_type, 'depth', k.depth, 'global', a.tenant_id = ${GLOBAL_TENANT_ID}) order by k.depth, a.name), '[]')
          from kept k join assets a on a.id = k.id and a.tenant_id in (${tenantId}, ${GLOBAL_TENANT_ID})),
        'edges', (select coalesce(json_agg(json_build_object('upstreamId', e.upstream_id, 'downstreamId', e.downstream_id, 'type', e.type)), '[]') from (
            select * from kept_edges order by depth, upstream_id, downstream_id, type limit ${maxEdges}
          ) e),
        'truncated', (select nodes from cut) or (select count(*) from kept_edges) > ${maxEdges}
      ) as lineage`,
    );
    return row!.lineage;
  }

  /** The tenant's edges and the global catalogue's (between global assets), never another tenant's. */
  private selectViews() {
    return this.kysely()
      .selectFrom('asset_dependencies as d')
      .select(viewColumns('d'))
      .where('d.tenant_id', 'in', [this.tenantId(), GLOBAL_TENANT_ID]);
  }

  private kysely() {
    return this.em.getKysely<AssetTables>();
  }
}

function opposite(direction: Walk): LineageDirection {
  return direction === 'upstream' ? 'downstream' : 'upstream';
}

function viewColumns(alias?: string) {
  const column = (name: string) => (alias ? `${alias}.${name}` : name);
  return [
    sql.ref<string>(column('id')).as('id'),
    sql.ref<string>(column('upstream_id')).as('upstreamId'),
    sql.ref<string>(column('downstream_id')).as('downstreamId'),
    sql.ref<DependencyType>(column('type')).as('type'),
    sql.ref<string | null>(column('workflow_id')).as('workflowId'),
    isoInstant(sql.ref(column('created_at'))).as('createdAt'),
    sql<boolean>`${sql.ref(column('tenant_id'))} = ${GLOBAL_TENANT_ID}`.as('global'),
  ];
}

import { v7 as uuidv7 } from 'uuid';
import { EXAMPLE_ID, RecordSql } from '../../platform/database/sql/record-sql.decorator.js';
import { isoInstant, queryRow, queryRows, sql } from '../../platform/database/sql/sql.js';
import { TenantRepository } from '../../platform/database/tenant-repository.js';
import { keysetPage, NEWEST_FIRST } from '../../platform/pagination/keyset.js';
import type { Page, PageQuery } from '../../platform/pagination/page.js';
import { GLOBAL_TENANT_ID } from '../../platform/tenancy/global-catalogue.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import type { Workflow } from './workflow.entity.js';
import { HIGHEST_VERSION_FIRST } from './workflow-sort-keys.js';
import type { VersionContent, WorkflowUse, WorkflowVersionView } from './workflow-views.js';
import type { WorkflowTables } from './workflows.tables.js';

const EXAMPLE_CONTENT: VersionContent = {
  description: 'Nightly orders',
  definition: { steps: [{ name: 'extract' }, { name: 'load', dependsOn: ['extract'] }], schedule: '0 2 * * *' },
  inputs: [EXAMPLE_ID],
  outputs: ['00000000-0000-7000-8000-000000000002'],
};

/**
 * The SQL of workflows, their immutable versions and the assets each version declares. Statements
 * name the tenant themselves (Kysely is not filtered by the ORM), and row-level security holds
 * underneath regardless. Reads include the global catalogue's workflows; writes reach the tenant's own.
 */
export class WorkflowRepository extends TenantRepository<Workflow> {
  /** A new workflow at version 1; a taken name raises the unique violation. */
  @RecordSql(['orders-nightly', EXAMPLE_CONTENT])
  async add(name: string, content: VersionContent): Promise<string> {
    const now = new Date();
    const id = uuidv7();
    await queryRows(
      this.em,
      this.kysely()
        .insertInto('workflows')
        .values({ id, tenant_id: this.tenantId(), name, latest_version: 1, created_at: now, updated_at: now }),
    );
    await this.addVersion(id, 1, content);
    return id;
  }

  /** The workflow's id and latest version, locked until the unit of work ends (one new version at a time). */
  @RecordSql(['orders-nightly'])
  async lockedByName(name: string): Promise<{ id: string; latestVersion: number } | undefined> {
    return queryRow(
      this.em,
      this.kysely()
        .selectFrom('workflows')
        .select(['id', 'latest_version as latestVersion'])
        .where('tenant_id', '=', this.tenantId())
        .where('name', '=', name)
        .forUpdate(),
    );
  }

  /** Writes `version` and makes it the latest. */
  @RecordSql([EXAMPLE_ID, 2, EXAMPLE_CONTENT])
  async addNextVersion(workflowId: string, version: number, content: VersionContent): Promise<void> {
    await this.addVersion(workflowId, version, content);
    await queryRows(
      this.em,
      this.kysely()
        .updateTable('workflows')
        .set({ latest_version: version, updated_at: new Date() })
        .where('tenant_id', '=', this.tenantId())
        .where('id', '=', workflowId),
    );
  }

  /** The workflow at `version` (the latest when omitted): the tenant's own, else a global one of that name. */
  @RecordSql(['orders-nightly'], ['orders-nightly', 1])
  async view(name: string, version?: number): Promise<WorkflowVersionView | undefined> {
    let select = this.selectViews().where('w.name', '=', name).where('w.tenant_id', 'in', [this.tenantId(), GLOBAL_TENANT_ID]);
    select = version === undefined ? select.whereRef('v.version', '=', 'w.latest_version') : select.where('v.version', '=', version);
    return queryRow(this.em, select.orderBy(sql`w.tenant_id = ${GLOBAL_TENANT_ID}`).limit(1));
  }

  /**
   * The latest version of each of the tenant's workflows (with `global`, of the catalogue's), newest
   * workflow first: one tenant id at a time, so the page reads one index in order.
   */
  @RecordSql([false, { limit: 50 }], [true, { limit: 50 }])
  async latestPage(global: boolean, query: PageQuery): Promise<Page<WorkflowVersionView>> {
    const select = this.selectViews()
      .whereRef('v.version', '=', 'w.latest_version')
      .where('w.tenant_id', '=', global ? GLOBAL_TENANT_ID : this.tenantId());
    return keysetPage(this.em, select, 'w', query, NEWEST_FIRST);
  }

  @RecordSql([EXAMPLE_ID, { limit: 50 }])
  async versionsPage(workflowId: string, query: PageQuery): Promise<Page<WorkflowVersionView>> {
    const select = this.selectViews().where('w.id', '=', workflowId).where('w.tenant_id', 'in', [this.tenantId(), GLOBAL_TENANT_ID]);
    return keysetPage(this.em, select, 'w', query, HIGHEST_VERSION_FIRST);
  }

  /** Deletes the workflow; its versions, executions and derived edges go with it (foreign keys, each row audited). */
  @RecordSql(['orders-nightly'])
  async remove(name: string): Promise<boolean> {
    const rows = await queryRows(
      this.em,
      this.kysely().deleteFrom('workflows').where('tenant_id', '=', this.tenantId()).where('name', '=', name).returning('id'),
    );
    return rows.length > 0;
  }

  /** The workflows whose latest version reads or produces any of the assets. */
  @RecordSql([[EXAMPLE_ID]])
  async using(assetIds: readonly string[]): Promise<WorkflowUse[]> {
    if (assetIds.length === 0) return [];
    const tenantId = this.tenantId();
    return queryRows(
      this.em,
      sql<WorkflowUse>`
      select w.id, w.name, w.latest_version as version,
        coalesce(array_agg(u.asset_id order by u.asset_id) filter (where u.role = 'input'), '{}') as reads,
        coalesce(array_agg(u.asset_id order by u.asset_id) filter (where u.role = 'output'), '{}') as produces
      from workflow_version_assets u
      join workflow_versions v on v.tenant_id = ${tenantId} and v.id = u.version_id
      join workflows w on w.tenant_id = ${tenantId} and w.id = v.workflow_id and w.latest_version = v.version
      where u.tenant_id = ${tenantId} and u.asset_id = any(cast(${[...assetIds]} as uuid[]))
      group by w.id, w.name, w.latest_version
      order by w.name`,
    );
  }

  private async addVersion(workflowId: string, version: number, content: VersionContent): Promise<void> {
    const tenantId = this.tenantId();
    const versionId = uuidv7();
    await queryRows(
      this.em,
      this.kysely()
        .insertInto('workflow_versions')
        .values({
          id: versionId,
          tenant_id: tenantId,
          workflow_id: workflowId,
          version,
          description: content.description,
          definition: JSON.stringify(content.definition),
          created_by: TenantContext.current().actorId,
          created_at: new Date(),
        }),
    );
    const declared = [
      ...content.inputs.map((assetId) => ({ assetId, role: 'input' as const })),
      ...content.outputs.map((assetId) => ({ assetId, role: 'output' as const })),
    ];
    if (declared.length === 0) return;
    await queryRows(
      this.em,
      this.kysely()
        .insertInto('workflow_version_assets')
        .values(
          declared.map(({ assetId, role }) => ({ id: uuidv7(), tenant_id: tenantId, version_id: versionId, asset_id: assetId, role })),
        ),
    );
  }

  private selectViews() {
    const declared = (role: 'input' | 'output') =>
      sql<
        string[]
      >`array(select a.asset_id from workflow_version_assets a where a.tenant_id = v.tenant_id and a.version_id = v.id and a.role = ${role} order by a.asset_id)`;
    return this.kysely()
      .selectFrom('workflows as w')
      .innerJoin('workflow_versions as v', (join) => join.onRef('v.workflow_id', '=', 'w.id').onRef('v.tenant_id', '=', 'w.tenant_id'))
      .select([
        'w.id as id',
        'w.name as name',
        'v.version as version',
        'w.latest_version as latestVersion',
        'v.description as description',
        sql<VersionContent['definition']>`v.definition`.as('definition'),
        declared('input').as('inputs'),
        declared('output').as('outputs'),
        'v.created_by as createdBy',
        isoInstant(sql.ref('w.created_at')).as('createdAt'),
        isoInstant(sql.ref('v.created_at')).as('versionCreatedAt'),
        sql<boolean>`w.tenant_id = ${GLOBAL_TENANT_ID}`.as('global'),
      ]);
  }

  private kysely() {
    return this.em.getKysely<WorkflowTables>();
  }
}

import { v7 as uuidv7 } from 'uuid';
import { EXAMPLE_ID, RecordSql } from '../../platform/database/sql/record-sql.decorator.js';
import { isoInstant, queryRow, sql } from '../../platform/database/sql/sql.js';
import { TenantRepository } from '../../platform/database/tenant-repository.js';
import { keysetPage, NEWEST_FIRST } from '../../platform/pagination/keyset.js';
import type { Page, PageQuery } from '../../platform/pagination/page.js';
import { GLOBAL_TENANT_ID } from '../../platform/tenancy/global-catalogue.js';
import { ExecutionState, isFinal } from './execution-state.js';
import type { WorkflowExecution } from './workflow-execution.entity.js';
import type { ExecutionView } from './workflow-views.js';
import type { WorkflowTables } from './workflows.tables.js';

export interface ExecutionFilters {
  state?: ExecutionState;
  version?: number;
}

/** A move of an execution: to `to`, only from one of `from` (stamped `at`, now by default). */
export interface ExecutionMove {
  to: ExecutionState;
  from: readonly ExecutionState[];
  errorMessage?: string;
  at?: Date;
}

export interface ExecutionStart {
  version?: number;
  parameters: unknown;
  runId?: string;
  state?: ExecutionState;
  errorMessage?: string;
  at?: Date;
}

/**
 * The SQL of workflow executions. Statements name the tenant themselves (Kysely is not filtered by
 * the ORM), and row-level security holds underneath regardless.
 */
export class WorkflowExecutionRepository extends TenantRepository<WorkflowExecution> {
  /**
   * An execution of the workflow's `version` (the latest when omitted), pending unless `start` says
   * otherwise (a run reported by OpenLineage starts where its first event says); undefined when there
   * is no such version. The workflow is the tenant's or a global catalogue template (ADR 0006): the
   * execution is the tenant's own either way, and records whose workflow it runs.
   */
  @RecordSql(
    [EXAMPLE_ID, { parameters: { date: '2026-12-01' } }],
    [EXAMPLE_ID, { version: 2, parameters: null, runId: EXAMPLE_ID, state: 'running', at: new Date(0) }],
  )
  async add(workflowId: string, start: ExecutionStart): Promise<ExecutionView | undefined> {
    const tenantId = this.tenantId();
    const state = start.state ?? ExecutionState.Pending;
    const at = start.at ?? new Date();
    const workflowTenants = [tenantId, GLOBAL_TENANT_ID];
    const versionNumber =
      start.version ??
      sql<number>`(select w.latest_version from workflows w where w.tenant_id = any(cast(${workflowTenants} as text[])) and w.id = ${workflowId})`;
    const inserted = await queryRow(
      this.em,
      this.kysely()
        .insertInto('workflow_executions')
        .columns([
          'id',
          'tenant_id',
          'workflow_id',
          'workflow_tenant_id',
          'version_id',
          'version',
          'state',
          'parameters',
          'error_message',
          'run_id',
          'created_at',
          'started_at',
          'completed_at',
        ])
        .expression(
          this.kysely()
            .selectFrom('workflow_versions as v')
            .select([
              sql.val(uuidv7()).as('id'),
              sql.val(tenantId).as('tenant_id'),
              'v.workflow_id',
              'v.tenant_id',
              'v.id',
              'v.version',
              sql.val(state).as('state'),
              sql`cast(${start.parameters === undefined || start.parameters === null ? null : JSON.stringify(start.parameters)} as jsonb)`.as(
                'parameters',
              ),
              sql.val(start.errorMessage ?? null).as('error_message'),
              sql`cast(${start.runId ?? null} as uuid)`.as('run_id'),
              sql.val(at).as('created_at'),
              sql.val(state === ExecutionState.Pending ? null : at).as('started_at'),
              sql.val(isFinal(state) ? at : null).as('completed_at'),
            ])
            .where('v.tenant_id', 'in', workflowTenants)
            .where('v.workflow_id', '=', workflowId)
            .where('v.version', '=', versionNumber),
        )
        .returning('id'),
    );
    return inserted && this.view(inserted.id);
  }

  /** The execution recording an OpenLineage run, if any. */
  @RecordSql([EXAMPLE_ID])
  async ofRun(runId: string): Promise<{ id: string; state: ExecutionState } | undefined> {
    return queryRow(
      this.em,
      this.kysely()
        .selectFrom('workflow_executions')
        .select(['id', sql<ExecutionState>`state`.as('state')])
        .where('tenant_id', '=', this.tenantId())
        .where('run_id', '=', runId),
    );
  }

  @RecordSql([EXAMPLE_ID])
  async view(id: string): Promise<ExecutionView | undefined> {
    return queryRow(this.em, this.selectViews().where('e.id', '=', id));
  }

  /**
   * Moves the execution in one statement, only from a state the move allows: two clients moving it
   * at once are serialised by the row lock, and the second finds the state changed and moves nothing.
   * Running stamps startedAt, a final state completedAt. Undefined when nothing moved.
   */
  @RecordSql([EXAMPLE_ID, { to: 'failed', from: ['running'], errorMessage: 'Out of memory' }])
  async move(id: string, move: ExecutionMove): Promise<{ id: string } | undefined> {
    const now = move.at ?? new Date();
    return queryRow(
      this.em,
      this.kysely()
        .updateTable('workflow_executions')
        .set({
          state: move.to,
          ...(move.to === ExecutionState.Running && { started_at: now }),
          ...(isFinal(move.to) && { completed_at: now }),
          ...(move.errorMessage !== undefined && { error_message: move.errorMessage }),
        })
        .where('tenant_id', '=', this.tenantId())
        .where('id', '=', id)
        .where('state', 'in', [...move.from])
        .returning('id'),
    );
  }

  @RecordSql([EXAMPLE_ID, {}, { limit: 50 }], [EXAMPLE_ID, { state: 'running', version: 2 }, { limit: 50 }])
  async page(workflowId: string, filters: ExecutionFilters, query: PageQuery): Promise<Page<ExecutionView>> {
    let select = this.selectViews().where('e.workflow_id', '=', workflowId);
    if (filters.state) select = select.where('e.state', '=', filters.state);
    if (filters.version !== undefined) select = select.where('e.version', '=', filters.version);
    return keysetPage(this.em, select, 'e', query, NEWEST_FIRST);
  }

  /**
   * Exact; from the (tenant, state, workflow) index alone when a state is given. A workflow name means
   * the workflow reads resolve it to: the tenant's own, else the global template of that name.
   */
  @RecordSql([undefined, undefined], ['running', 'orders-nightly'])
  async countMatching(state: ExecutionState | undefined, workflowName: string | undefined): Promise<number> {
    const tenantId = this.tenantId();
    let select = this.kysely()
      .selectFrom('workflow_executions as e')
      .select(sql<number>`count(*)::int`.as('count'))
      .where('e.tenant_id', '=', tenantId);
    if (state) select = select.where('e.state', '=', state);
    if (workflowName !== undefined) {
      select = select.where('e.workflow_id', '=', (sub) =>
        sub
          .selectFrom('workflows as w')
          .select('w.id')
          .where('w.tenant_id', 'in', [tenantId, GLOBAL_TENANT_ID])
          .where('w.name', '=', workflowName)
          .orderBy(sql`w.tenant_id = ${GLOBAL_TENANT_ID}`)
          .limit(1),
      );
    }
    return (await queryRow(this.em, select))!.count;
  }

  private selectViews() {
    const tenantId = this.tenantId();
    return (
      this.kysely()
        .selectFrom('workflow_executions as e')
        // The workflow is the tenant's or a global template (e.workflow_tenant_id); the execution is the tenant's.
        .innerJoin('workflows as w', (join) => join.onRef('w.id', '=', 'e.workflow_id').onRef('w.tenant_id', '=', 'e.workflow_tenant_id'))
        .select([
          'e.id as id',
          'e.workflow_id as workflowId',
          'w.name as workflowName',
          sql<boolean>`e.workflow_tenant_id <> e.tenant_id`.as('workflowGlobal'),
          'e.version as version',
          sql<ExecutionState>`e.state`.as('state'),
          sql<unknown>`e.parameters`.as('parameters'),
          'e.error_message as errorMessage',
          isoInstant(sql.ref('e.created_at')).as('createdAt'),
          sql<string | null>`${isoInstant(sql.ref('e.started_at'))}`.as('startedAt'),
          sql<string | null>`${isoInstant(sql.ref('e.completed_at'))}`.as('completedAt'),
        ])
        .where('e.tenant_id', '=', tenantId)
    );
  }

  private kysely() {
    return this.em.getKysely<WorkflowTables>();
  }
}

import { EntityRepositoryType, type Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';
import { TENANT_ISOLATION, TenantScopedEntity } from '../../platform/tenancy/tenant-scoped.entity.js';
import { EXECUTION_STATES, ExecutionState } from './execution-state.js';
import { WorkflowExecutionRepository } from './workflow-execution.repository.js';

/**
 * One run of a workflow version, moved through the states of execution-state.ts. The execution is
 * always the tenant's own; the workflow it runs is the tenant's or a global catalogue template
 * (`workflowTenantId`, ADR 0006): composite foreign keys onto the workflow and its version, written
 * in the migration, with a check that the workflow's tenant is the execution's or the global one.
 */
@Entity({ tableName: 'workflow_executions', repository: () => WorkflowExecutionRepository, ...TENANT_ISOLATION })
@Index({ name: 'workflow_executions_tenant_workflow_created_idx', properties: ['tenantId', 'workflowId', 'createdAt', 'id'] })
@Index({ name: 'workflow_executions_tenant_state_workflow_idx', properties: ['tenantId', 'state', 'workflowId'] })
@Unique({ name: 'workflow_executions_tenant_run_key', properties: ['tenantId', 'runId'] })
export class WorkflowExecution extends TenantScopedEntity {
  [EntityRepositoryType]?: WorkflowExecutionRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = uuidv7();

  @Property({ type: 'uuid' })
  workflowId!: string;

  /** The workflow's tenant: this execution's own, or the global catalogue's (GLOBAL_TENANT_ID). */
  @Property({ type: 'text' })
  workflowTenantId!: string;

  @Property({ type: 'uuid' })
  versionId!: string;

  @Property({ type: 'integer' })
  version!: number;

  @Enum({ items: () => EXECUTION_STATES, type: 'text' })
  state: ExecutionState & Opt = ExecutionState.Pending;

  @Property({ type: 'jsonb', nullable: true })
  parameters?: unknown;

  @Property({ type: 'text', nullable: true })
  errorMessage?: string | null;

  /** The OpenLineage run this execution records, when it was reported as OpenLineage events. */
  @Property({ type: 'uuid', nullable: true })
  runId?: string | null;

  @Property({ type: 'timestamptz', length: 3 })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'timestamptz', length: 3, nullable: true })
  startedAt?: Date | null;

  @Property({ type: 'timestamptz', length: 3, nullable: true })
  completedAt?: Date | null;
}

import { EntityRepositoryType, type Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';
import { TENANT_ISOLATION, TenantScopedEntity } from '../../platform/tenancy/tenant-scoped.entity.js';
import { AGENT_TYPES, type AgentType } from '../shared/agent-type.js';
import { TaskExecutionRepository } from './task-execution.repository.js';

export const ExecutionStatus = { Running: 'running', Completed: 'completed', Failed: 'failed' } as const;
export type ExecutionStatus = (typeof ExecutionStatus)[keyof typeof ExecutionStatus];
export const EXECUTION_STATUSES = Object.values(ExecutionStatus);
/** How a run may end. */
export const FINISHED_STATUSES = [ExecutionStatus.Completed, ExecutionStatus.Failed] as const;

/** One agent run on a task; finished exactly once. */
@Entity({ tableName: 'task_executions', repository: () => TaskExecutionRepository, ...TENANT_ISOLATION })
@Index({ name: 'task_executions_tenant_task_idx', properties: ['tenantId', 'taskId', 'startedAt'] })
export class TaskExecution extends TenantScopedEntity {
  [EntityRepositoryType]?: TaskExecutionRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = uuidv7();

  @Property({ type: 'uuid' })
  taskId: string;

  @Enum({ items: () => [...AGENT_TYPES], type: 'text' })
  agentType: AgentType;

  @Property({ type: 'jsonb', nullable: true })
  input?: unknown;

  @Enum({ items: () => [...EXECUTION_STATUSES], type: 'text' })
  status: ExecutionStatus & Opt = ExecutionStatus.Running;

  @Property({ type: 'jsonb', nullable: true })
  output?: unknown;

  @Property({ type: 'jsonb', nullable: true })
  error?: unknown;

  @Property({ type: 'integer', nullable: true })
  durationMs?: number | null;

  @Property({ type: 'integer', nullable: true })
  tokensUsed?: number | null;

  @Property({ type: 'timestamptz', length: 3 })
  startedAt: Date & Opt = new Date();

  @Property({ type: 'timestamptz', length: 3, nullable: true })
  finishedAt?: Date | null;

  constructor(taskId: string, agentType: AgentType, input: unknown) {
    super();
    this.taskId = taskId;
    this.agentType = agentType;
    this.input = input;
  }
}

import { EntityRepositoryType, type Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import { TENANT_ISOLATION, TenantScopedEntity } from '../../platform/tenancy/tenant-scoped.entity.js';
import { AGENT_TYPES, type AgentType } from '../shared/agent-type.js';
import { TaskRepository } from './task.repository.js';
import { TASK_STATES, TaskState } from './task-state.js';

type Json = Record<string, unknown>;

@Entity({ tableName: 'tasks', repository: () => TaskRepository, ...TENANT_ISOLATION })
@Index({ name: 'tasks_tenant_created_idx', properties: ['tenantId', 'createdAt', 'id'] })
@Index({ name: 'tasks_tenant_state_created_idx', properties: ['tenantId', 'state', 'createdAt', 'id'] })
@Index({ name: 'tasks_tenant_project_created_idx', properties: ['tenantId', 'projectId', 'createdAt', 'id'] })
export class Task extends TenantScopedEntity {
  [EntityRepositoryType]?: TaskRepository;

  /** UUIDv7: time-ordered, so inserts append to the index. */
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = uuidv7();

  /** A project of the tenant (a composite foreign key, written in the migration, refuses another tenant's). */
  @Property({ type: 'uuid', nullable: true })
  projectId?: string | null;

  /** The creator, from the token. */
  @Property({ type: 'text', onCreate: () => TenantContext.current().actorId })
  userId!: string & Opt;

  @Property({ type: 'text' })
  prompt: string;

  @Enum({ items: () => TASK_STATES, type: 'text' })
  state: TaskState & Opt = TaskState.Pending;

  @Enum({ items: () => [...AGENT_TYPES], type: 'text', nullable: true })
  currentAgent?: AgentType | null;

  @Property({ type: 'jsonb' })
  config: Json & Opt = {};

  @Property({ type: 'jsonb', nullable: true })
  result?: unknown;

  @Property({ type: 'jsonb', nullable: true })
  error?: unknown;

  @Property({ type: 'jsonb' })
  metadata: Json & Opt = {};

  // Millisecond precision, like a JS Date: list cursors carry createdAt and must round-trip exactly.
  @Property({ type: 'timestamptz', length: 3 })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'timestamptz', length: 3, onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();

  @Property({ type: 'timestamptz', length: 3, nullable: true })
  completedAt?: Date | null;

  constructor(prompt: string) {
    super();
    this.prompt = prompt;
  }
}

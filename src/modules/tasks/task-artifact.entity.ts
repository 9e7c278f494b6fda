import { EntityRepositoryType, type Opt } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';
import { TENANT_ISOLATION, TenantScopedEntity } from '../../platform/tenancy/tenant-scoped.entity.js';
import { TaskArtifactRepository } from './task-artifact.repository.js';

/** Something a task produced (a file, a diff, a report), optionally by one of its executions. */
@Entity({ tableName: 'task_artifacts', repository: () => TaskArtifactRepository, ...TENANT_ISOLATION })
@Index({ name: 'task_artifacts_tenant_task_idx', properties: ['tenantId', 'taskId', 'createdAt'] })
export class TaskArtifact extends TenantScopedEntity {
  [EntityRepositoryType]?: TaskArtifactRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = uuidv7();

  @Property({ type: 'uuid' })
  taskId!: string;

  @Property({ type: 'uuid', nullable: true })
  executionId?: string | null;

  @Property({ type: 'text' })
  type!: string;

  @Property({ type: 'text' })
  path!: string;

  /** Loaded only when asked for: task reads list artifacts without their bodies. */
  @Property({ type: 'text', nullable: true, lazy: true })
  content?: string | null;

  @Property({ type: 'integer' })
  contentBytes: number & Opt = 0;

  @Property({ type: 'jsonb' })
  metadata: Record<string, unknown> & Opt = {};

  /** Set by an approval that names the artifact: true approved, false rejected, null not reviewed. */
  @Property({ type: 'boolean', nullable: true })
  approved?: boolean | null;

  @Property({ type: 'timestamptz', length: 3 })
  createdAt: Date & Opt = new Date();
}

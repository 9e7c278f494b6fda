import { EntityRepositoryType, type Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import { TENANT_ISOLATION, TenantScopedEntity } from '../../platform/tenancy/tenant-scoped.entity.js';
import { TaskApprovalRepository } from './task-approval.repository.js';

export const APPROVAL_DECISIONS = ['approved', 'rejected'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

/** A human decision on a task awaiting approval. The approver is the token's user. */
@Entity({ tableName: 'task_approvals', repository: () => TaskApprovalRepository, ...TENANT_ISOLATION })
@Index({ name: 'task_approvals_tenant_task_idx', properties: ['tenantId', 'taskId', 'createdAt'] })
export class TaskApproval extends TenantScopedEntity {
  [EntityRepositoryType]?: TaskApprovalRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = uuidv7();

  @Property({ type: 'uuid' })
  taskId!: string;

  @Enum({ items: () => [...APPROVAL_DECISIONS], type: 'text' })
  decision!: ApprovalDecision;

  @Property({ type: 'text', nullable: true })
  reason?: string | null;

  @Property({ type: 'jsonb' })
  artifactIds: string[] & Opt = [];

  @Property({ type: 'text', onCreate: () => TenantContext.current().actorId })
  approverId!: string & Opt;

  @Property({ type: 'timestamptz', length: 3 })
  createdAt: Date & Opt = new Date();
}

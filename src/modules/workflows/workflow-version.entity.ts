import type { Opt } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import { TENANT_ISOLATION, TenantScopedEntity } from '../../platform/tenancy/tenant-scoped.entity.js';

/**
 * One version of a workflow, never changed once written. Its inputs and outputs are rows of
 * workflow_version_assets (composite foreign keys onto assets, written in the migration).
 */
@Entity({ tableName: 'workflow_versions', ...TENANT_ISOLATION })
@Unique({ name: 'workflow_versions_tenant_workflow_version_key', properties: ['tenantId', 'workflowId', 'version'] })
export class WorkflowVersion extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = uuidv7();

  @Property({ type: 'uuid' })
  workflowId!: string;

  @Property({ type: 'integer' })
  version!: number;

  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Property({ type: 'jsonb' })
  definition!: unknown;

  /** Who wrote this version, from the token. */
  @Property({ type: 'text', onCreate: () => TenantContext.current().actorId })
  createdBy!: string & Opt;

  @Property({ type: 'timestamptz', length: 3 })
  createdAt: Date & Opt = new Date();
}

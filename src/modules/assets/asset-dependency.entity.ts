import { EntityRepositoryType, type Opt } from '@mikro-orm/core';
import { Check, Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';
import { TENANT_ISOLATION, TenantScopedEntity } from '../../platform/tenancy/tenant-scoped.entity.js';
import { AssetDependencyRepository } from './asset-dependency.repository.js';
import { DEPENDENCY_TYPES, type DependencyType } from './asset-type.js';

/**
 * An edge of the asset graph: `downstreamId` depends on `upstreamId`. Declared by a client, or derived
 * from a workflow's inputs and outputs (`workflowId` set; replaced with each new version). The
 * upstream asset may be a global catalogue entry; the edge is always the tenant's own. Each pair
 * and type is declared once, by a client or per workflow: a unique index (nulls not distinct) written
 * in the migration, like the composite foreign keys onto assets and workflows.
 */
@Entity({ tableName: 'asset_dependencies', repository: () => AssetDependencyRepository, ...TENANT_ISOLATION })
@Index({ name: 'asset_dependencies_tenant_downstream_idx', properties: ['tenantId', 'downstreamId', 'type', 'upstreamId'] })
@Index({ name: 'asset_dependencies_tenant_upstream_idx', properties: ['tenantId', 'upstreamId', 'type', 'downstreamId'] })
@Index({ name: 'asset_dependencies_tenant_workflow_idx', properties: ['tenantId', 'workflowId'] })
@Check({ name: 'asset_dependencies_no_self_edge_check', expression: 'upstream_id <> downstream_id' })
export class AssetDependency extends TenantScopedEntity {
  [EntityRepositoryType]?: AssetDependencyRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = uuidv7();

  @Property({ type: 'uuid' })
  upstreamId!: string;

  /** The upstream asset's tenant: this edge's own, or the global catalogue's (GLOBAL_TENANT_ID). */
  @Property({ type: 'text' })
  upstreamTenantId!: string;

  @Property({ type: 'uuid' })
  downstreamId!: string;

  @Enum({ items: () => [...DEPENDENCY_TYPES], type: 'text' })
  type!: DependencyType;

  @Property({ type: 'uuid', nullable: true })
  workflowId?: string | null;

  @Property({ type: 'timestamptz', length: 3 })
  createdAt: Date & Opt = new Date();
}

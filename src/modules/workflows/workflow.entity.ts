import { EntityRepositoryType, type Opt } from '@mikro-orm/core';
import { Check, Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';
import { TENANT_ISOLATION, TenantScopedEntity } from '../../platform/tenancy/tenant-scoped.entity.js';
import { WorkflowRepository } from './workflow.repository.js';

/** A named workflow of the tenant; its content lives in immutable versions, `latestVersion` the newest. */
@Entity({ tableName: 'workflows', repository: () => WorkflowRepository, ...TENANT_ISOLATION })
@Unique({ name: 'workflows_tenant_name_key', properties: ['tenantId', 'name'] })
@Index({ name: 'workflows_tenant_created_idx', properties: ['tenantId', 'createdAt', 'id'] })
@Check({ name: 'workflows_latest_version_check', expression: 'latest_version >= 1' })
export class Workflow extends TenantScopedEntity {
  [EntityRepositoryType]?: WorkflowRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = uuidv7();

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'integer' })
  latestVersion: number & Opt = 1;

  @Property({ type: 'timestamptz', length: 3 })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'timestamptz', length: 3 })
  updatedAt: Date & Opt = new Date();
}

import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';
import { TENANT_ISOLATION, TenantScopedEntity } from '../../platform/tenancy/tenant-scoped.entity.js';

export const ASSET_ROLES = ['input', 'output'] as const;
export type AssetRole = (typeof ASSET_ROLES)[number];

/** An asset a workflow version declares it reads (input) or produces (output). */
@Entity({ tableName: 'workflow_version_assets', ...TENANT_ISOLATION })
@Unique({ name: 'workflow_version_assets_tenant_entry_key', properties: ['tenantId', 'versionId', 'role', 'assetId'] })
@Index({ name: 'workflow_version_assets_tenant_asset_idx', properties: ['tenantId', 'assetId'] })
export class WorkflowVersionAsset extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = uuidv7();

  @Property({ type: 'uuid' })
  versionId!: string;

  @Property({ type: 'uuid' })
  assetId!: string;

  @Enum({ items: () => [...ASSET_ROLES], type: 'text' })
  role!: AssetRole;
}

import { EntityRepositoryType, type Opt } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';
import { TENANT_ISOLATION, TenantScopedEntity } from '../../platform/tenancy/tenant-scoped.entity.js';
import { AssetRepository } from './asset.repository.js';

/**
 * A data asset: a table, file, model, dashboard… that workflows read and produce. Its name is unique in
 * the tenant. Tags are searched through a GIN index written in the migration.
 */
@Entity({ tableName: 'assets', repository: () => AssetRepository, ...TENANT_ISOLATION })
@Unique({ name: 'assets_tenant_name_key', properties: ['tenantId', 'name'] })
@Index({ name: 'assets_tenant_created_idx', properties: ['tenantId', 'createdAt', 'id'] })
@Index({ name: 'assets_tenant_type_created_idx', properties: ['tenantId', 'assetType', 'createdAt', 'id'] })
@Index({ name: 'assets_tenant_owner_created_idx', properties: ['tenantId', 'owner', 'createdAt', 'id'] })
export class Asset extends TenantScopedEntity {
  [EntityRepositoryType]?: AssetRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = uuidv7();

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Property({ type: 'text' })
  assetType!: string;

  @Property({ type: 'text', nullable: true })
  owner?: string | null;

  @Property({ type: 'text[]' })
  tags: string[] & Opt = [];

  @Property({ type: 'jsonb', nullable: true })
  metadata?: unknown;

  // Millisecond precision, like a JS Date: list cursors carry createdAt and must round-trip exactly.
  @Property({ type: 'timestamptz', length: 3 })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'timestamptz', length: 3 })
  updatedAt: Date & Opt = new Date();
}

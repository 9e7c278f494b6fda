import { EntityRepositoryType, type Opt } from '@mikro-orm/core';
import { Check, Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import { TENANT_ISOLATION, TenantScopedEntity } from '../../platform/tenancy/tenant-scoped.entity.js';
import { DashboardRepository } from './dashboard.repository.js';
import { TextArrayType } from './text-array.type.js';

export interface DashboardLayout {
  columns: number;
  rowHeight: number;
  margin: [number, number];
}

export const DEFAULT_LAYOUT: DashboardLayout = { columns: 12, rowHeight: 50, margin: [10, 10] };

/**
 * A dashboard. Its name is unique among the tenant's live dashboards, case-insensitively (a partial
 * unique index written in the migration: trashed dashboards free their name). `version` counts
 * changes; `deletedAt` set means it is in the trash.
 */
@Entity({ tableName: 'dashboards', repository: () => DashboardRepository, ...TENANT_ISOLATION })
@Index({ name: 'dashboards_tenant_created_idx', properties: ['tenantId', 'createdAt', 'id'] })
@Index({ name: 'dashboards_tenant_deleted_idx', properties: ['tenantId', 'deletedAt', 'id'] })
@Index({ name: 'dashboards_tenant_updated_idx', properties: ['tenantId', 'updatedAt', 'id'] })
@Index({ name: 'dashboards_tenant_owner_idx', properties: ['tenantId', 'ownerId', 'createdAt', 'id'] })
@Index({ name: 'dashboards_tenant_project_idx', properties: ['tenantId', 'projectId', 'createdAt', 'id'] })
@Check({ name: 'dashboards_version_check', expression: 'version >= 1' })
export class Dashboard extends TenantScopedEntity {
  [EntityRepositoryType]?: DashboardRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = uuidv7();

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  description?: string | null;

  /** The project of the tenant it belongs to, if any (a composite foreign key refuses another tenant's). */
  @Property({ type: 'uuid', nullable: true })
  projectId?: string | null;

  @Property({ type: 'jsonb' })
  layout: DashboardLayout & Opt = { ...DEFAULT_LAYOUT };

  @Property({ type: 'jsonb' })
  filters: unknown[] & Opt = [];

  /** The creator, from the token. */
  @Property({ type: 'text', onCreate: () => TenantContext.current().actorId })
  ownerId!: string & Opt;

  @Property({ type: 'boolean' })
  isPublic: boolean & Opt = false;

  @Property({ type: TextArrayType })
  allowedViewers: string[] & Opt = [];

  @Property({ type: 'integer' })
  version: number & Opt = 1;

  @Property({ type: 'timestamptz', length: 3 })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'timestamptz', length: 3 })
  updatedAt: Date & Opt = new Date();

  /** Who made the current version. */
  @Property({ type: 'text', onCreate: () => TenantContext.current().actorId })
  updatedBy!: string & Opt;

  @Property({ type: 'timestamptz', length: 3, nullable: true })
  deletedAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  deletedBy?: string | null;
}

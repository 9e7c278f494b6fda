import type { Opt } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';
import { TENANT_ISOLATION, TenantScopedEntity } from '../../platform/tenancy/tenant-scoped.entity.js';

/**
 * A previous state of a dashboard: the whole dashboard and its widgets as they were at `version`,
 * kept when a change replaced it. Append-only (the runtime role may not update it); removed only
 * with its dashboard (a composite foreign key with ON DELETE CASCADE, see the migration).
 */
@Entity({ tableName: 'dashboard_versions', ...TENANT_ISOLATION })
@Unique({ name: 'dashboard_versions_tenant_dashboard_version_key', properties: ['tenantId', 'dashboardId', 'version'] })
export class DashboardVersion extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = uuidv7();

  @Property({ type: 'uuid' })
  dashboardId!: string;

  @Property({ type: 'integer' })
  version!: number;

  /** The dashboard's fields and `widgets`, as the API showed them at this version. */
  @Property({ type: 'jsonb' })
  snapshot!: Record<string, unknown>;

  /** Who made this version, and when. */
  @Property({ type: 'text' })
  savedBy!: string;

  @Property({ type: 'timestamptz', length: 3 })
  savedAt!: Date;

  /** Who replaced it by the next version, and when. */
  @Property({ type: 'text' })
  replacedBy!: string;

  @Property({ type: 'timestamptz', length: 3 })
  replacedAt!: Date;
}

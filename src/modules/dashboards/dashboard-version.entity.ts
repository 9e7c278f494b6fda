import { EntityRepositoryType, type Opt } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';
import { TENANT_ISOLATION, TenantScopedEntity } from '../../platform/tenancy/tenant-scoped.entity.js';
import { DashboardHistoryRepository } from './dashboard-history.repository.js';

/**
 * A previous state of a dashboard, kept when a change replaced it: its own fields, and its widgets
 * by reference to a DashboardWidgetList (content-addressed, shared by versions with the same
 * widgets). Never updated; removed by retention (the newest DASHBOARD_HISTORY_MAX_VERSIONS younger
 * than DASHBOARD_HISTORY_MAX_DAYS are kept) or with its dashboard (composite foreign keys, see the
 * migrations).
 */
@Entity({ tableName: 'dashboard_versions', repository: () => DashboardHistoryRepository, ...TENANT_ISOLATION })
@Unique({ name: 'dashboard_versions_tenant_dashboard_version_key', properties: ['tenantId', 'dashboardId', 'version'] })
// Is a widget list still used? (retention, and the foreign key from versions to lists)
@Index({ name: 'dashboard_versions_tenant_dashboard_list_idx', properties: ['tenantId', 'dashboardId', 'widgetListHash'] })
// Which tenants and dashboards have versions past the age limit? (the hourly retention job)
@Index({ name: 'dashboard_versions_replaced_tenant_idx', properties: ['replacedAt', 'tenantId'] })
export class DashboardVersion extends TenantScopedEntity {
  [EntityRepositoryType]?: DashboardHistoryRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = uuidv7();

  @Property({ type: 'uuid' })
  dashboardId!: string;

  @Property({ type: 'integer' })
  version!: number;

  /** The dashboard's own fields as the API showed them at this version (its widgets: widgetListHash). */
  @Property({ type: 'jsonb' })
  snapshot!: Record<string, unknown>;

  @Property({ type: 'text' })
  widgetListHash!: string;

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

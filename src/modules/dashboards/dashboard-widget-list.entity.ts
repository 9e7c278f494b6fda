import type { Opt } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';
import { TENANT_ISOLATION, TenantScopedEntity } from '../../platform/tenancy/tenant-scoped.entity.js';

/**
 * The widgets of a kept dashboard version, in order, each without its large members and with the
 * hash of its DashboardWidgetContent instead (`contentSha256`). Stored once per distinct list and
 * dashboard, found by `hash` (SHA-256 of the list's jsonb text): versions that differ only in the
 * dashboard's own fields share one. Written and deleted only by the history, never updated.
 */
@Entity({ tableName: 'dashboard_widget_lists', ...TENANT_ISOLATION })
@Unique({ name: 'dashboard_widget_lists_tenant_dashboard_hash_key', properties: ['tenantId', 'dashboardId', 'hash'] })
export class DashboardWidgetList extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = uuidv7();

  @Property({ type: 'uuid' })
  dashboardId!: string;

  @Property({ type: 'text' })
  hash!: string;

  @Property({ type: 'jsonb' })
  widgets!: unknown[];
}

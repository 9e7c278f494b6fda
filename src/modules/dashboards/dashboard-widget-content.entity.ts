import type { Opt } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';
import { TENANT_ISOLATION, TenantScopedEntity } from '../../platform/tenancy/tenant-scoped.entity.js';

/**
 * The large part of a widget as some kept version of its dashboard held it (its query and config),
 * stored once per distinct value and dashboard, found by `hash`: the SHA-256 (hex) of the content's
 * jsonb text, which is canonical (jsonb orders keys and drops whitespace). Written and deleted only
 * by the dashboard's history, under the dashboard's row lock; never updated.
 */
@Entity({ tableName: 'dashboard_widget_contents', ...TENANT_ISOLATION })
@Unique({ name: 'dashboard_widget_contents_tenant_dashboard_hash_key', properties: ['tenantId', 'dashboardId', 'hash'] })
export class DashboardWidgetContent extends TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = uuidv7();

  @Property({ type: 'uuid' })
  dashboardId!: string;

  @Property({ type: 'text' })
  hash!: string;

  @Property({ type: 'jsonb' })
  content!: Record<string, unknown>;
}

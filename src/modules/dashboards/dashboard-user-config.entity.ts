import { EntityRepositoryType, type Opt } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';
import { TENANT_ISOLATION, TenantScopedEntity } from '../../platform/tenancy/tenant-scoped.entity.js';
import { DashboardUserConfigRepository } from './dashboard-user-config.repository.js';

/** One user's own view of a dashboard (customisations, theme, layout overrides, filter values), on every device. */
@Entity({ tableName: 'dashboard_user_configs', repository: () => DashboardUserConfigRepository, ...TENANT_ISOLATION })
@Unique({
  name: 'dashboard_user_configs_tenant_dashboard_user_session_key',
  properties: ['tenantId', 'dashboardId', 'userId', 'sessionId'],
})
export class DashboardUserConfig extends TenantScopedEntity {
  [EntityRepositoryType]?: DashboardUserConfigRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = uuidv7();

  @Property({ type: 'uuid' })
  dashboardId!: string;

  /** The user, from the token. */
  @Property({ type: 'text' })
  userId!: string;

  /** A device session with a config of its own; '' is the user's shared config. */
  @Property({ type: 'text', default: '' })
  sessionId: string & Opt = '';

  /** Keyed by widget id. */
  @Property({ type: 'jsonb' })
  chartCustomizations: Record<string, unknown> & Opt = {};

  /** A theme object as dashboard front-ends store it (capped). */
  @Property({ type: 'jsonb', nullable: true })
  theme?: Record<string, unknown> | null;

  @Property({ type: 'jsonb', nullable: true })
  layout?: Record<string, unknown> | null;

  @Property({ type: 'jsonb' })
  filters: unknown[] & Opt = [];

  @Property({ type: 'integer' })
  version: number & Opt = 1;

  /** The dashboard version this config was saved against. */
  @Property({ type: 'integer' })
  dashboardVersion!: number;

  @Property({ type: 'timestamptz', length: 3 })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'timestamptz', length: 3 })
  updatedAt: Date & Opt = new Date();
}

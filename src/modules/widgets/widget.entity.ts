import { EntityRepositoryType, type Opt } from '@mikro-orm/core';
import { Check, Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { v7 as uuidv7 } from 'uuid';
import { TENANT_ISOLATION, TenantScopedEntity } from '../../platform/tenancy/tenant-scoped.entity.js';
import { WidgetRepository } from './widget.repository.js';
import { WIDGET_TYPES, type WidgetType } from './widget-type.js';

/**
 * A widget of a dashboard, placed on its grid at (x, y) with size w × h. Its dashboard and saved
 * query are of the same tenant (composite foreign keys, see the migration); it goes with its
 * dashboard (ON DELETE CASCADE) and loses only the reference when its saved query is deleted.
 */
@Entity({ tableName: 'widgets', repository: () => WidgetRepository, ...TENANT_ISOLATION })
// In the order single reads list widgets (y, x, id): no sort.
@Index({ name: 'widgets_tenant_dashboard_position_idx', properties: ['tenantId', 'dashboardId', 'y', 'x', 'id'] })
@Index({ name: 'widgets_tenant_saved_query_idx', properties: ['tenantId', 'savedQueryId'] })
// A text widget has no query; any other type without one is a draft (saved while being built).
@Check({ name: 'widgets_query_check', expression: `type <> 'text' or query is null` })
@Check({ name: 'widgets_position_check', expression: 'x >= 0 and y >= 0 and w >= 1 and h >= 1' })
export class Widget extends TenantScopedEntity {
  [EntityRepositoryType]?: WidgetRepository;

  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = uuidv7();

  @Property({ type: 'uuid' })
  dashboardId!: string;

  @Enum({ items: () => [...WIDGET_TYPES], type: 'text' })
  type!: WidgetType;

  @Property({ type: 'text' })
  title!: string;

  /** The query definition; null for text widgets, and for drafts of the other types (see isDraft). */
  @Property({ type: 'jsonb', nullable: true })
  query?: Record<string, unknown> | null;

  @Property({ type: 'uuid', nullable: true })
  savedQueryId?: string | null;

  @Property({ type: 'integer' })
  x!: number;

  @Property({ type: 'integer' })
  y!: number;

  @Property({ type: 'integer' })
  w!: number;

  @Property({ type: 'integer' })
  h!: number;

  @Property({ type: 'jsonb' })
  config: Record<string, unknown> & Opt = {};

  @Property({ type: 'timestamptz', length: 3 })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'timestamptz', length: 3 })
  updatedAt: Date & Opt = new Date();
}

import { TenantRepository } from '../../platform/database/tenant-repository.js';
import { LockMode } from '@mikro-orm/core';
import { v7 as uuidv7 } from 'uuid';
import { EXAMPLE_ID, RecordSql } from '../../platform/database/sql/record-sql.decorator.js';
import { queryEntities, sql } from '../../platform/database/sql/sql.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import type { DashboardUserConfig } from './dashboard-user-config.entity.js';

/** What a user writes of their config. */
export type ConfigContent = Pick<DashboardUserConfig, 'chartCustomizations' | 'theme' | 'layout' | 'filters'>;

const EXAMPLE_CONTENT: ConfigContent = { chartCustomizations: {}, theme: 'dark', layout: null, filters: [] };

/**
 * The SQL of per-user dashboard configs, keyed by tenant, dashboard and user. Statements written in
 * SQL name the tenant themselves; row-level security holds underneath regardless.
 */
export class DashboardUserConfigRepository extends TenantRepository<DashboardUserConfig> {
  /** The user's config of the dashboard, locked FOR UPDATE and read afresh when `lock`. */
  @RecordSql([EXAMPLE_ID, 'user-1', false], [EXAMPLE_ID, 'user-1', true])
  of(dashboardId: string, userId: string, lock: boolean): Promise<DashboardUserConfig | null> {
    return this.findOne({ dashboardId, userId }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true } : {});
  }

  /**
   * Inserts the user's first config of the dashboard, at version 1; undefined when one exists
   * already (another device may save its first config at the same moment).
   */
  @RecordSql([EXAMPLE_ID, 'user-1', EXAMPLE_CONTENT, 1])
  async addFirst(dashboardId: string, userId: string, content: ConfigContent, dashboardVersion: number): Promise<DashboardUserConfig | undefined> {
    const now = new Date();
    const [inserted] = await queryEntities(
      this.em,
      this.entityName,
      sql`insert into dashboard_user_configs (id, tenant_id, dashboard_id, user_id, chart_customizations, theme, layout, filters, version, dashboard_version, created_at, updated_at)
          values (${uuidv7()}, ${TenantContext.current().tenantId}, ${dashboardId}, ${userId}, cast(${JSON.stringify(content.chartCustomizations)} as jsonb), ${content.theme ?? null},
                  cast(${content.layout == null ? null : JSON.stringify(content.layout)} as jsonb), cast(${JSON.stringify(content.filters)} as jsonb), 1, ${dashboardVersion}, ${now}, ${now})
          on conflict (tenant_id, dashboard_id, user_id) do nothing
          returning *`,
    );
    return inserted as DashboardUserConfig | undefined;
  }
}

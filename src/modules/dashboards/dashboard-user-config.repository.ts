import { LockMode } from '@mikro-orm/core';
import { v7 as uuidv7 } from 'uuid';
import { EXAMPLE_ID, RecordSql } from '../../platform/database/sql/record-sql.decorator.js';
import { jsonbText, queryEntities, queryRow, sql } from '../../platform/database/sql/sql.js';
import { TenantRepository } from '../../platform/database/tenant-repository.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import type { DashboardUserConfig } from './dashboard-user-config.entity.js';

/** What a user writes of their config. */
export type ConfigContent = Pick<DashboardUserConfig, 'chartCustomizations' | 'theme' | 'layout' | 'filters'>;

/** Whose config: a user's shared one (session '') or the one of a device session of theirs. */
export interface ConfigKey {
  dashboardId: string;
  userId: string;
  sessionId: string;
}

const EXAMPLE_KEY: ConfigKey = { dashboardId: EXAMPLE_ID, userId: 'user-1', sessionId: '' };
const EXAMPLE_CONTENT: ConfigContent = { chartCustomizations: {}, theme: { name: 'dark' }, layout: null, filters: [] };

/** jsonb from a JSON value (null stays SQL null), bound as its text. */
const jsonb = (value: unknown) => sql`cast(${jsonbText(value)} as jsonb)`;

/**
 * The SQL of per-user dashboard configs, keyed by tenant, dashboard, user and session ('' for the
 * user's shared config). Statements written in SQL name the tenant themselves; row-level security
 * holds underneath regardless.
 */
export class DashboardUserConfigRepository extends TenantRepository<DashboardUserConfig> {
  /** The config, locked FOR UPDATE and read afresh when `lock`. */
  @RecordSql([EXAMPLE_KEY, false], [{ ...EXAMPLE_KEY, sessionId: 'tablet' }, true])
  of(key: ConfigKey, lock: boolean): Promise<DashboardUserConfig | null> {
    return this.findOne({ ...key }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true } : {});
  }

  /**
   * Inserts the first config under the key, at version 1; undefined when one exists already (another
   * device may save its first config at the same moment).
   */
  @RecordSql([EXAMPLE_KEY, EXAMPLE_CONTENT, 1])
  async addFirst(key: ConfigKey, content: ConfigContent, dashboardVersion: number): Promise<DashboardUserConfig | undefined> {
    const now = new Date();
    const [inserted] = await queryEntities(
      this.em,
      this.entityName,
      sql`insert into dashboard_user_configs (id, tenant_id, dashboard_id, user_id, session_id, chart_customizations, theme, layout, filters, version, dashboard_version, created_at, updated_at)
          values (${uuidv7()}, ${TenantContext.current().tenantId}, ${key.dashboardId}, ${key.userId}, ${key.sessionId}, ${jsonb(content.chartCustomizations)}, ${jsonb(content.theme)},
                  ${jsonb(content.layout)}, ${jsonb(content.filters)}, 1, ${dashboardVersion}, ${now}, ${now})
          on conflict (tenant_id, dashboard_id, user_id, session_id) do nothing
          returning *`,
    );
    return inserted as DashboardUserConfig | undefined;
  }

  /**
   * How many device-session configs (not the shared one) of the dashboard the user keeps with
   * anything in them: a deleted (emptied) one does not count.
   */
  @RecordSql([EXAMPLE_ID, 'user-1'])
  async countHeldSessions(dashboardId: string, userId: string): Promise<number> {
    const row = await queryRow(
      this.em,
      sql<{ count: number }>`select count(*)::int as count from dashboard_user_configs
        where tenant_id = ${this.tenantId()} and dashboard_id = ${dashboardId} and user_id = ${userId} and session_id <> ''
          and (chart_customizations <> '{}'::jsonb or theme is not null or layout is not null or filters <> '[]'::jsonb)`,
    );
    return row?.count ?? 0;
  }
}

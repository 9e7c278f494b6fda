import { Injectable } from '@nestjs/common';
import { assertJsonWithin, hasInexactNumber, KIB } from '../../platform/http/json-size.js';
import { assertPrecondition, type Precondition } from '../../platform/http/preconditions.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import { DashboardAccess } from './dashboard-access.js';
import { DashboardProblems } from './dashboard-problems.js';
import type { DashboardUserConfig } from './dashboard-user-config.entity.js';
import { type ConfigContent, type ConfigKey, DashboardUserConfigRepository } from './dashboard-user-config.repository.js';
import type { PutDashboardConfigDto } from './dto/put-dashboard-config.dto.js';

/** A user's whole config of one dashboard is stored as at most this much JSON. */
export const MAX_USER_CONFIG_BYTES = 256 * KIB;
/** Its theme object, as at most this much JSON (within the whole). */
export const MAX_THEME_BYTES = 16 * KIB;
/** Device-session configs with content one user may keep of one dashboard, besides their shared config. */
export const MAX_SESSION_CONFIGS = 20;

const EMPTY: ConfigContent = { chartCustomizations: {}, theme: null, layout: null, filters: [] };

function configView(key: ConfigKey, config: DashboardUserConfig | undefined) {
  return {
    dashboardId: key.dashboardId,
    sessionId: key.sessionId === '' ? null : key.sessionId,
    chartCustomizations: config?.chartCustomizations ?? {},
    theme: config?.theme ?? null,
    layout: config?.layout ?? null,
    filters: config?.filters ?? [],
    version: config?.version ?? 0,
    dashboardVersion: config?.dashboardVersion ?? null,
    updatedAt: config?.updatedAt ?? null,
  };
}
export type DashboardConfigView = ReturnType<typeof configView>;

/**
 * The calling user's own view of a dashboard they can see, keyed by tenant, dashboard and the
 * token's user: the same on every device (the shared config), invisible to every other user. A
 * device that wants a view of its own names a `sessionId`: that session's config is separate from
 * the shared one, and reads as empty (version 0) until its first PUT.
 */
@Injectable()
export class DashboardConfigs {
  constructor(
    private readonly configs: DashboardUserConfigRepository,
    private readonly access: DashboardAccess,
  ) {}

  /** Before the first PUT: an empty config at version 0, not an error. */
  async get(dashboardId: string, sessionId: string | undefined): Promise<DashboardConfigView> {
    await this.access.visible(dashboardId);
    const key = keyOf(dashboardId, sessionId);
    const config = await this.configs.of(key, false);
    return configView(key, config ?? undefined);
  }

  /** Replaces the config; `version` 0 (or If-Match "0") means "only if none is saved yet". */
  async put(
    dashboardId: string,
    sessionId: string | undefined,
    input: PutDashboardConfigDto,
    precondition: Precondition | undefined,
  ): Promise<DashboardConfigView> {
    const dashboard = await this.access.visible(dashboardId);
    const values: ConfigContent = {
      chartCustomizations: input.chartCustomizations ?? {},
      theme: input.theme ?? null,
      layout: input.layout ?? null,
      filters: input.filters ?? [],
    };
    if (hasInexactNumber(values)) {
      throw DashboardProblems.inexactConfig();
    }
    assertJsonWithin('theme', values.theme, MAX_THEME_BYTES);
    assertJsonWithin('config', values, MAX_USER_CONFIG_BYTES);
    const key = keyOf(dashboardId, sessionId);
    let config = await this.configs.of(key, true);
    if (key.sessionId !== '' && (!config || isEmpty(config)) && !isEmpty(values)) {
      if ((await this.configs.countHeldSessions(dashboardId, key.userId)) >= MAX_SESSION_CONFIGS) {
        throw DashboardProblems.sessionConfigLimitReached(MAX_SESSION_CONFIGS);
      }
    }
    if (!config) {
      assertPrecondition(precondition, 0, 'config');
      const first = await this.configs.addFirst(key, values, dashboard.version);
      if (first) return configView(key, first);
      // Another device saved its first config meanwhile: this one becomes an update of it.
      config = (await this.configs.of(key, true))!;
    }
    assertPrecondition(precondition, config.version, 'config');
    Object.assign(config, values, { version: config.version + 1, dashboardVersion: dashboard.version, updatedAt: new Date() });
    await this.configs.flush();
    return configView(key, config);
  }

  /**
   * Deletes what the config holds (the user's shared one, or a session's): reads are empty again.
   * The row stays, emptied, as a new version — versions never go back, so an ETag a device holds is
   * never reused for other content (the runtime role never deletes configs) — and an emptied
   * session config no longer counts against MAX_SESSION_CONFIGS. Deleting one never saved is no
   * error. A precondition is checked against its version (0 when none).
   */
  async delete(dashboardId: string, sessionId: string | undefined, precondition: Precondition | undefined): Promise<void> {
    const dashboard = await this.access.visible(dashboardId);
    const key = keyOf(dashboardId, sessionId);
    const config = await this.configs.of(key, true);
    assertPrecondition(precondition, config?.version ?? 0, 'config');
    if (!config || isEmpty(config)) return;
    Object.assign(
      config,
      { ...EMPTY, chartCustomizations: {}, filters: [] },
      { version: config.version + 1, dashboardVersion: dashboard.version, updatedAt: new Date() },
    );
    await this.configs.flush();
  }
}

function isEmpty(content: ConfigContent): boolean {
  return (
    Object.keys(content.chartCustomizations).length === 0 &&
    content.theme == null &&
    content.layout == null &&
    (content.filters as unknown[]).length === 0
  );
}

function keyOf(dashboardId: string, sessionId: string | undefined): ConfigKey {
  return { dashboardId, userId: TenantContext.current().actorId, sessionId: sessionId ?? '' };
}

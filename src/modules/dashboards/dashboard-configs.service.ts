import { Injectable } from '@nestjs/common';
import { ProblemException } from '../../platform/errors/problem.exception.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import { assertJsonWithin, hasInexactNumber, KIB } from '../../platform/http/json-size.js';
import { assertPrecondition, type Precondition } from '../../platform/http/preconditions.js';
import { DashboardAccess } from './dashboard-access.js';
import type { DashboardUserConfig } from './dashboard-user-config.entity.js';
import { type ConfigContent, DashboardUserConfigRepository } from './dashboard-user-config.repository.js';
import type { PutDashboardConfigDto } from './dto/put-dashboard-config.dto.js';

/** A user's whole config of one dashboard is stored as at most this much JSON. */
export const MAX_USER_CONFIG_BYTES = 256 * KIB;

function configView(dashboardId: string, config: DashboardUserConfig | undefined) {
  return {
    dashboardId,
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
 * token's user: the same on every device, invisible to every other user.
 */
@Injectable()
export class DashboardConfigs {
  constructor(
    private readonly configs: DashboardUserConfigRepository,
    private readonly access: DashboardAccess,
  ) {}

  /** Before the first PUT: an empty config at version 0, not an error. */
  async get(dashboardId: string): Promise<DashboardConfigView> {
    await this.access.visible(dashboardId);
    const config = await this.configs.of(dashboardId, TenantContext.current().actorId, false);
    return configView(dashboardId, config ?? undefined);
  }

  /** Replaces the config; `version` 0 (or If-Match "0") means "only if none is saved yet". */
  async put(dashboardId: string, input: PutDashboardConfigDto, precondition: Precondition | undefined): Promise<DashboardConfigView> {
    const dashboard = await this.access.visible(dashboardId);
    const values: ConfigContent = {
      chartCustomizations: input.chartCustomizations ?? {},
      theme: input.theme ?? null,
      layout: input.layout ?? null,
      filters: input.filters ?? [],
    };
    if (hasInexactNumber(values)) {
      throw new ProblemException(400, 'The config holds a number JSON cannot carry exactly (beyond ±2^53, or not finite).');
    }
    assertJsonWithin('config', values, MAX_USER_CONFIG_BYTES);
    const userId = TenantContext.current().actorId;
    let config = await this.configs.of(dashboardId, userId, true);
    if (!config) {
      assertPrecondition(precondition, 0, 'config');
      const first = await this.configs.addFirst(dashboardId, userId, values, dashboard.version);
      if (first) return configView(dashboardId, first);
      // Another device saved its first config meanwhile: this one becomes an update of it.
      config = (await this.configs.of(dashboardId, userId, true))!;
    }
    assertPrecondition(precondition, config.version, 'config');
    Object.assign(config, values, { version: config.version + 1, dashboardVersion: dashboard.version, updatedAt: new Date() });
    await this.configs.flush();
    return configView(dashboardId, config);
  }
}

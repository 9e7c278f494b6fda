import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../../config/environment.js';
import { isAdmin } from '../../platform/auth/ownership.js';
import type { Page, PageQuery } from '../../platform/pagination/page.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import { DashboardWidgets, LARGE_WIDGET_MEMBERS, type WidgetJson } from '../widgets/dashboard-widgets.service.js';
import { DashboardAccess } from './dashboard-access.js';
import {
  type ContentsShape,
  DashboardHistoryRepository,
  type KeptVersion,
  type VersionReader,
  type VersionSummary,
} from './dashboard-history.repository.js';
import { DashboardProblems } from './dashboard-problems.js';

function versionView(version: Omit<VersionSummary, 'id'>) {
  return {
    version: version.version,
    savedBy: version.savedBy,
    savedAt: version.savedAt,
    replacedBy: version.replacedBy,
    replacedAt: version.replacedAt,
  };
}
export type DashboardVersionView = ReturnType<typeof versionView>;

/**
 * A dashboard's history: before every change, its whole current state (fields and widgets, as the
 * API shows them) is kept as a version; the current state itself is the dashboard. A version is
 * shown only to those who could see the dashboard while it was current (its owner, admins, and
 * whom its sharing then named): making a dashboard public does not publish its past. Retention keeps
 * the newest DASHBOARD_HISTORY_MAX_VERSIONS versions replaced within DASHBOARD_HISTORY_MAX_DAYS.
 */
@Injectable()
export class DashboardHistory {
  private readonly limits: { maxVersions: number; maxDays: number };
  private readonly contents: ContentsShape;

  constructor(
    private readonly repository: DashboardHistoryRepository,
    private readonly access: DashboardAccess,
    private readonly widgets: DashboardWidgets,
    config: ConfigService<Environment, true>,
  ) {
    this.limits = {
      maxVersions: config.get('DASHBOARD_HISTORY_MAX_VERSIONS', { infer: true }),
      maxDays: config.get('DASHBOARD_HISTORY_MAX_DAYS', { infer: true }),
    };
    this.contents = { contentsOf: (dashboard) => widgets.contentsOf(dashboard), largeMembers: LARGE_WIDGET_MEMBERS };
  }

  /** Keeps the dashboard's current state as a version (call under its lock, before changing it). */
  archive(dashboardId: string, replacedAt: Date): Promise<void> {
    return this.repository.archive(dashboardId, replacedAt, this.contents);
  }

  /**
   * Applies retention to the dashboard, whose newest kept version is `newestKept` (call under its
   * lock). At the cap this removes one version per change: bounded work.
   */
  prune(dashboardId: string, newestKept: number): Promise<number> {
    return this.repository.prune(dashboardId, newestKept - this.limits.maxVersions + 1, this.cutoff());
  }

  /**
   * Applies retention to up to `limit` of the current tenant's dashboards that have versions past
   * the age limit (dashboards being changed right now are left to their change). Returns how many
   * versions it removed.
   */
  async pruneExpired(limit: number): Promise<number> {
    let versions = 0;
    for (const dashboard of await this.repository.lockWithVersionsBefore(this.cutoff(), limit)) {
      // Its current version is not history: the newest kept one is the version before it.
      versions += await this.prune(dashboard.id, dashboard.version - 1);
    }
    return versions;
  }

  async list(dashboardId: string, query: PageQuery): Promise<Page<DashboardVersionView>> {
    await this.access.visible(dashboardId);
    const page = await this.repository.page(dashboardId, reader(), query);
    return { ...page, items: page.items.map(versionView) };
  }

  async get(dashboardId: string, version: number) {
    await this.access.visible(dashboardId);
    const kept = await this.find(dashboardId, version);
    // As the dashboard read showed it: what is derived (widgetCount, each widget's `draft`) is not kept.
    const widgets = this.widgets.shown((kept.dashboard.widgets ?? []) as WidgetJson[]);
    return { ...versionView(kept), dashboard: { ...kept.dashboard, widgetCount: widgets.length, widgets } };
  }

  /** The state kept as `version`, if the caller may see it (the caller has checked access to the dashboard). */
  async find(dashboardId: string, version: number): Promise<KeptVersion> {
    const kept = version > 0 ? await this.repository.kept(dashboardId, version, reader()) : undefined;
    if (!kept) throw DashboardProblems.versionNotFound();
    return kept;
  }

  /** The tenants with versions past the age limit: a statement for the schema owner (TenantSweep). */
  tenantsWithExpiredVersions() {
    return this.repository.tenantsWithVersionsBefore(this.cutoff());
  }

  /** Versions replaced before this instant are past the age limit. */
  cutoff(): Date {
    return new Date(Date.now() - this.limits.maxDays * 86_400_000);
  }
}

function reader(): VersionReader {
  const principal = TenantContext.current();
  return isAdmin(principal) ? { admin: true } : { admin: false, actorId: principal.actorId };
}

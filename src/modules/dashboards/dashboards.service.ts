import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../../config/environment.js';
import { isAdmin } from '../../platform/auth/ownership.js';
import { assertJsonWithin, hasInexactNumber, KIB } from '../../platform/http/json-size.js';
import { changesAnything } from '../../platform/http/patch-body.js';
import type { Precondition } from '../../platform/http/preconditions.js';
import type { Page, PageQuery } from '../../platform/pagination/page.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import { DashboardWidgets, type WidgetJson } from '../widgets/dashboard-widgets.service.js';
import { type DashboardLayout, DEFAULT_LAYOUT } from './dashboard.entity.js';
import { type DashboardFilters, DashboardRepository } from './dashboard.repository.js';
import {
  type DashboardWithWidgets,
  dashboardView,
  type ListedDashboardView,
  listedDashboardView,
  trashedDashboardView,
} from './dashboard.view.js';
import { DashboardAccess, dashboardNotFound } from './dashboard-access.js';
import { DashboardChanges } from './dashboard-changes.js';
import { DashboardHistory } from './dashboard-history.js';
import { DashboardProblems } from './dashboard-problems.js';
import type { CreateDashboardDto, DashboardLayoutDto } from './dto/create-dashboard.dto.js';
import type { DashboardFiltersQuery, ListDashboardsQuery } from './dto/list-dashboards.query.js';
import type { UpdateDashboardDto } from './dto/update-dashboard.dto.js';
import { isUnchanged, type NoneMatch } from './if-none-match.js';

/** Each of a dashboard's JSON fields (layout, filters) is stored as at most this much JSON. */
export const MAX_DASHBOARD_JSON_BYTES = 64 * KIB;

/** The answer to a read whose If-None-Match names the current version: nothing but that version. */
export interface NotModified {
  notModified: true;
  version: number;
}

/**
 * Dashboards of the current tenant, their trash and their history. Every change of a dashboard goes
 * through DashboardChanges (locked, previous state kept, version + 1); its widgets are the widgets
 * module's, reached through DashboardWidgets.
 */
@Injectable()
export class DashboardsService {
  private readonly retentionDays: number;

  constructor(
    private readonly dashboards: DashboardRepository,
    private readonly access: DashboardAccess,
    private readonly changes: DashboardChanges,
    private readonly history: DashboardHistory,
    private readonly widgets: DashboardWidgets,
    config: ConfigService<Environment, true>,
  ) {
    this.retentionDays = config.get('DASHBOARD_TRASH_RETENTION_DAYS', { infer: true });
  }

  /** For the projects module: each project's dashboards counted, live and in the trash (zeros for one without). */
  async countsByProject(projectIds: readonly string[]): Promise<Map<string, { live: number; trashed: number }>> {
    const counts = new Map(projectIds.map((id) => [id, { live: 0, trashed: 0 }]));
    for (const { projectId, live, trashed } of await this.dashboards.countsByProject(projectIds)) counts.set(projectId, { live, trashed });
    return counts;
  }

  async create(input: CreateDashboardDto): Promise<DashboardWithWidgets> {
    const filters = checkedFilters(input.filters ?? []);
    const dashboard = await this.changes.refusingDuplicateName(input.name, () =>
      this.dashboards.add({
        name: input.name,
        description: input.description ?? null,
        projectId: input.projectId ?? null,
        layout: layoutOf(input.layout),
        filters,
        isPublic: input.isPublic ?? false,
        allowedViewers: input.allowedViewers ?? [],
      }),
    );
    return { ...dashboardView(dashboard), widgetCount: 0, widgets: [] };
  }

  /**
   * What the caller may see (their own, public ones, ones naming them; admins: all of the tenant's),
   * filtered, in the order asked, each with its widget count.
   */
  async list(query: ListDashboardsQuery): Promise<Page<ListedDashboardView>> {
    const page = await this.dashboards.page(filtersOf(query), query, (dashboard) => this.widgets.countOf(dashboard));
    return { ...page, items: page.items.map(listedDashboardView) };
  }

  /** How many dashboards list() would show with these filters, over all its pages. */
  async count(query: DashboardFiltersQuery): Promise<{ count: number }> {
    return { count: await this.dashboards.countMatching(filtersOf(query)) };
  }

  /** The dashboard with its widgets (ordered by y, then x): one SQL statement. */
  async get(id: string): Promise<DashboardWithWidgets> {
    return (await this.getUnlessUnchanged(id, undefined)) as DashboardWithWidgets;
  }

  /**
   * get(), or only its version when the caller already has it (If-None-Match): one statement either
   * way, which then does not read the widgets. Access is decided first: 404 whatever the header.
   */
  async getUnlessUnchanged(id: string, noneMatch: NoneMatch | undefined): Promise<DashboardWithWidgets | NotModified> {
    const row = await this.dashboards.withContents(id, (dashboard) => this.widgets.contentsOf(dashboard), noneMatch);
    if (!row || !DashboardAccess.canSee(TenantContext.current(), row)) throw dashboardNotFound();
    if (isUnchanged(noneMatch, row.version)) return { notModified: true, version: row.version };
    const widgets = this.widgets.shown((row.contents ?? []) as WidgetJson[]);
    return { ...dashboardView(row), widgetCount: widgets.length, widgets };
  }

  /** A PATCH naming no field changes nothing: no new version (the checks still apply). */
  async update(id: string, changes: UpdateDashboardDto, precondition: Precondition | undefined): Promise<DashboardWithWidgets> {
    if (!changesAnything(changes)) {
      await this.access.lockForChange(id, precondition);
      return this.get(id);
    }
    const filters = changes.filters === undefined ? undefined : checkedFilters(changes.filters);
    await this.changes.run(id, precondition, async (dashboard) => {
      if (changes.layout !== undefined) {
        const layout = layoutOf(changes.layout, dashboard.layout);
        const widest = await this.widgets.widestExtent(id);
        if (layout.columns < widest) {
          throw DashboardProblems.layoutTooNarrow(layout.columns, widest);
        }
        dashboard.layout = layout;
      }
      if (changes.name !== undefined) dashboard.name = changes.name;
      if (changes.description !== undefined) dashboard.description = changes.description;
      if (changes.projectId !== undefined) dashboard.projectId = changes.projectId;
      if (filters !== undefined) dashboard.filters = filters;
      if (changes.isPublic !== undefined) dashboard.isPublic = changes.isPublic;
      if (changes.allowedViewers !== undefined) dashboard.allowedViewers = changes.allowedViewers;
    });
    return this.get(id);
  }

  /**
   * Restores the content of a kept version — name, description, layout, filters and widgets — as a
   * new version. Ownership, sharing (isPublic, allowedViewers) and the project stay as they are now.
   */
  async restoreVersion(id: string, version: number, precondition: Precondition | undefined): Promise<DashboardWithWidgets> {
    await this.changes.run(id, precondition, async (dashboard) => {
      // The current version was archived a moment ago by this very change: it is not history yet.
      const { dashboard: kept } = await this.history.find(id, version < dashboard.version ? version : 0);
      dashboard.name = kept.name as string;
      dashboard.description = (kept.description as string | null) ?? null;
      dashboard.layout = kept.layout as DashboardLayout;
      dashboard.filters = kept.filters as unknown[];
      await this.widgets.replaceWith(id, kept.widgets as WidgetJson[]);
    });
    return this.get(id);
  }

  /** Moves a dashboard (with its widgets) to the trash; its version does not change. */
  async trash(id: string, precondition: Precondition | undefined): Promise<void> {
    const dashboard = await this.access.lockForChange(id, precondition);
    dashboard.deletedAt = new Date();
    dashboard.deletedBy = TenantContext.current().actorId;
    await this.dashboards.flush();
  }

  /** Deletes a live or trashed dashboard for good; widgets, history and configs go with it (foreign keys). */
  async purge(id: string, precondition: Precondition | undefined): Promise<void> {
    if (await this.dashboards.trashedSince(id, this.trashCutoff(), false)) {
      await this.access.lockTrashed(id, this.trashCutoff());
    } else {
      await this.access.lockForChange(id, precondition);
    }
    await this.dashboards.remove(id);
  }

  /** The trash within retention: an admin sees the tenant's, anyone else their own. Recently deleted first. */
  async listTrash(query: PageQuery) {
    const principal = TenantContext.current();
    const page = await this.dashboards.trashPage(this.trashCutoff(), isAdmin(principal) ? undefined : principal.actorId, query);
    return { ...page, items: page.items.map((dashboard) => trashedDashboardView(dashboard, this.retentionDays)) };
  }

  /** Brings a trashed dashboard back whole; 409 when a live dashboard has taken its name meanwhile. */
  async restoreFromTrash(id: string): Promise<DashboardWithWidgets> {
    const dashboard = await this.access.lockTrashed(id, this.trashCutoff());
    dashboard.deletedAt = null;
    dashboard.deletedBy = null;
    await this.changes.refusingDuplicateName(dashboard.name, () => this.dashboards.flush());
    return this.get(id);
  }

  /**
   * Deletes the current tenant's trash older than the retention for good; returns how many
   * dashboards went. Call inside a tenant scope (TenantScope.run), e.g. from a scheduled job.
   */
  purgeExpiredTrash(): Promise<number> {
    return this.dashboards.purgeTrashedBefore(this.trashCutoff());
  }

  /** The tenants with trash past the retention: a statement for the schema owner (TenantSweep). */
  tenantsWithExpiredTrash() {
    return this.dashboards.tenantsWithTrashBefore(this.trashCutoff());
  }

  /** Trash deleted before this instant is gone: not listed, not restorable, purged by purgeExpiredTrash(). */
  trashCutoff(): Date {
    return new Date(Date.now() - this.retentionDays * 86_400_000);
  }
}

/** The list's filters: what the caller may see, narrowed by the query's. */
function filtersOf(query: DashboardFiltersQuery): DashboardFilters {
  const principal = TenantContext.current();
  return {
    visibleTo: isAdmin(principal) ? undefined : principal.actorId,
    ownerId: query.ownerId,
    projectId: query.projectId,
    nameContains: query.q,
  };
}

/** The layout the input describes; members it leaves out keep their value in `base` (the defaults on create). */
function layoutOf(input: DashboardLayoutDto | undefined, base: DashboardLayout = DEFAULT_LAYOUT): DashboardLayout {
  return {
    columns: input?.columns ?? base.columns,
    rowHeight: input?.rowHeight ?? base.rowHeight,
    margin: input?.margin ? [input.margin[0], input.margin[1]] : [base.margin[0], base.margin[1]],
  };
}

/** Filters as stored: plain JSON, exact numbers, within the cap. */
function checkedFilters(filters: readonly object[]): unknown[] {
  const plain = JSON.parse(JSON.stringify(filters)) as unknown[];
  if (hasInexactNumber(filters)) {
    throw DashboardProblems.inexactFilters();
  }
  assertJsonWithin('filters', plain, MAX_DASHBOARD_JSON_BYTES);
  return plain;
}

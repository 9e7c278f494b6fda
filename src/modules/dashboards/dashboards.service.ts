import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Environment } from '../../config/environment.js';
import { ProblemException } from '../../platform/errors/problem.exception.js';
import { ormKeysetPage, ORM_NEWEST_FIRST, type OrmSortKey } from '../../platform/pagination/keyset.js';
import type { Page, PageQuery } from '../../platform/pagination/page.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import { isAdmin } from '../../platform/auth/ownership.js';
import { containsPattern } from '../../platform/database/sql/sql.js';
import { assertJsonWithin, hasInexactNumber, KIB } from '../../platform/http/json-size.js';
import type { OwnedListQuery } from '../../platform/pagination/owned-list.query.js';
import { changesAnything } from '../../platform/http/patch-body.js';
import type { Precondition } from '../../platform/http/preconditions.js';
import { DashboardAccess, dashboardNotFound } from './dashboard-access.js';
import { DashboardContents } from './dashboard-content.js';
import { Dashboard, DEFAULT_LAYOUT, type DashboardLayout } from './dashboard.entity.js';
import { DashboardHistory } from './dashboard-history.js';
import { type DashboardFields, dashboardView, type DashboardView, type DashboardWithWidgets, trashedDashboardView } from './dashboard.view.js';
import type { CreateDashboardDto, DashboardLayoutDto } from './dto/create-dashboard.dto.js';
import type { UpdateDashboardDto } from './dto/update-dashboard.dto.js';

/** Each of a dashboard's JSON fields (layout, filters) is stored as at most this much JSON. */
export const MAX_DASHBOARD_JSON_BYTES = 64 * KIB;

const LISTED_FIELDS = ['id', 'name', 'description', 'layout', 'filters', 'ownerId', 'isPublic', 'allowedViewers', 'version', 'createdAt', 'updatedAt', 'updatedBy'] as const;

const RECENTLY_DELETED_FIRST: OrmSortKey<Dashboard> = {
  name: 'deleted',
  expression: (alias) => `${alias}.deleted_at`,
  type: 'timestamptz',
  valueOf: (row) => row.deletedAt!.toISOString(),
};

/** What the widgets module sees of a dashboard it edits: never the entity. */
export interface EditableDashboard {
  readonly id: string;
  /** The version being replaced (the change makes version + 1). */
  readonly version: number;
  /** The grid's column count: a widget's x + w may not exceed it. */
  readonly columns: number;
}

/**
 * Dashboards of the current tenant, their trash and their history. Every change of a dashboard —
 * its fields, its widgets (through edit()), a restore — happens on the row locked FOR UPDATE, keeps
 * the previous state in the history and bumps `version` by exactly one.
 */
@Injectable()
export class DashboardsService {
  private readonly retentionDays: number;

  constructor(
    private readonly em: EntityManager,
    private readonly access: DashboardAccess,
    private readonly history: DashboardHistory,
    private readonly contents: DashboardContents,
    config: ConfigService<Environment, true>,
  ) {
    this.retentionDays = config.get('DASHBOARD_TRASH_RETENTION_DAYS', { infer: true });
  }

  async create(input: CreateDashboardDto): Promise<DashboardWithWidgets> {
    const filters = checkedFilters(input.filters ?? []);
    const dashboard = this.em.create(Dashboard, {
      name: input.name,
      description: input.description ?? null,
      layout: layoutOf(input.layout),
      filters,
      isPublic: input.isPublic ?? false,
      allowedViewers: input.allowedViewers ?? [],
    });
    await this.flushRefusingDuplicateName(dashboard.name);
    return { ...dashboardView(dashboard), widgets: [] };
  }

  /** What the caller may see: their own, public ones, ones naming them; admins see all of the tenant's. */
  async list(query: OwnedListQuery): Promise<Page<DashboardView>> {
    const principal = TenantContext.current();
    const qb = this.em.createQueryBuilder(Dashboard, 'd').select([...LISTED_FIELDS]).where({ deletedAt: null });
    if (!isAdmin(principal)) {
      qb.andWhere({ $or: [{ ownerId: principal.actorId }, { isPublic: true }, { allowedViewers: { $contains: [principal.actorId] } }] });
    }
    if (query.ownerId) qb.andWhere({ ownerId: query.ownerId });
    if (query.q) qb.andWhere({ name: { $ilike: containsPattern(query.q) } });
    const page = await ormKeysetPage<Dashboard>(qb, query, ORM_NEWEST_FIRST);
    return { ...page, items: page.items.map(dashboardView) };
  }

  /** The dashboard with its widgets (ordered by y, then x): one SQL statement. */
  async get(id: string): Promise<DashboardWithWidgets> {
    const { tenantId } = TenantContext.current();
    const [row] = await this.em.execute<(DashboardFields & { widgets: unknown[] })[]>(dashboardReadSql(this.contents.jsonOf('d')), [tenantId, id]);
    if (!row || !DashboardAccess.canSee(TenantContext.current(), row)) throw dashboardNotFound();
    return { ...dashboardView(row), widgets: row.widgets };
  }

  /** A PATCH naming no field changes nothing: no new version (the checks still apply). */
  async update(id: string, changes: UpdateDashboardDto, precondition: Precondition | undefined): Promise<DashboardWithWidgets> {
    if (!changesAnything(changes)) {
      await this.assertChangeable(id, precondition);
      return this.get(id);
    }
    const filters = changes.filters === undefined ? undefined : checkedFilters(changes.filters);
    await this.change(id, precondition, async (dashboard) => {
      if (changes.layout !== undefined) {
        const layout = layoutOf(changes.layout, dashboard.layout);
        const widest = await this.contents.widestExtent(id);
        if (layout.columns < widest) {
          throw new ProblemException(400, `layout.columns cannot be ${layout.columns}: a widget reaches column ${widest}; move or resize it first.`, {
            errors: [{ field: 'layout.columns', messages: [`must be at least ${widest}, the widest widget's x + w`] }],
          });
        }
        dashboard.layout = layout;
      }
      if (changes.name !== undefined) dashboard.name = changes.name;
      if (changes.description !== undefined) dashboard.description = changes.description;
      if (filters !== undefined) dashboard.filters = filters;
      if (changes.isPublic !== undefined) dashboard.isPublic = changes.isPublic;
      if (changes.allowedViewers !== undefined) dashboard.allowedViewers = changes.allowedViewers;
    });
    return this.get(id);
  }

  /**
   * Restores the content of a kept version — name, description, layout, filters and widgets — as a
   * new version. Ownership and sharing (isPublic, allowedViewers) stay as they are now.
   */
  async restoreVersion(id: string, version: number, precondition: Precondition | undefined): Promise<DashboardWithWidgets> {
    await this.change(id, precondition, async (dashboard) => {
      // The current version was archived a moment ago by this very change: it is not history yet.
      const { dashboard: kept } = await this.history.find(id, version < dashboard.version ? version : 0);
      dashboard.name = kept.name as string;
      dashboard.description = (kept.description as string | null) ?? null;
      dashboard.layout = kept.layout as DashboardLayout;
      dashboard.filters = kept.filters as unknown[];
      await this.contents.restore(id, kept.widgets as unknown[]);
    });
    return this.get(id);
  }

  /**
   * For the widgets module: runs `work` as a change of the dashboard (locked; 404/403/412 first; the
   * previous state kept; version + 1 after). Returns work's result and the new version.
   */
  async edit<T>(id: string, precondition: Precondition | undefined, work: (dashboard: EditableDashboard) => Promise<T>): Promise<{ result: T; version: number }> {
    let result!: T;
    const version = await this.change(id, precondition, async (dashboard) => {
      result = await work({ id: dashboard.id, version: dashboard.version, columns: dashboard.layout.columns });
    });
    return { result, version };
  }

  /** For the widgets module: 404/403/412 exactly as a change would answer, without changing anything. */
  async assertChangeable(id: string, precondition: Precondition | undefined): Promise<void> {
    await this.access.lockForChange(id, precondition);
  }

  /** For the widgets module: a live dashboard the caller may see (else 404), with its version. */
  async readable(id: string): Promise<{ id: string; version: number }> {
    const dashboard = await this.access.visible(id);
    return { id: dashboard.id, version: dashboard.version };
  }

  /** Moves a dashboard (with its widgets) to the trash; its version does not change. */
  async trash(id: string, precondition: Precondition | undefined): Promise<void> {
    const dashboard = await this.access.lockForChange(id, precondition);
    dashboard.deletedAt = new Date();
    dashboard.deletedBy = TenantContext.current().actorId;
    await this.em.flush();
  }

  /** Deletes a live or trashed dashboard for good; widgets, history and configs go with it (foreign keys). */
  async purge(id: string, precondition: Precondition | undefined): Promise<void> {
    const trashed = await this.em.findOne(Dashboard, { id, deletedAt: { $gte: this.trashCutoff() } });
    if (trashed) {
      await this.access.lockTrashed(id, this.trashCutoff());
    } else {
      await this.access.lockForChange(id, precondition);
    }
    await this.em.nativeDelete(Dashboard, { id });
  }

  /** The trash within retention: an admin sees the tenant's, anyone else their own. Recently deleted first. */
  async listTrash(query: PageQuery) {
    const principal = TenantContext.current();
    const qb = this.em
      .createQueryBuilder(Dashboard, 'd')
      .select([...LISTED_FIELDS, 'deletedAt', 'deletedBy'])
      .where({ deletedAt: { $gte: this.trashCutoff() } });
    if (!isAdmin(principal)) qb.andWhere({ ownerId: principal.actorId });
    const page = await ormKeysetPage<Dashboard>(qb, query, RECENTLY_DELETED_FIRST);
    return {
      ...page,
      items: page.items.map((dashboard) => trashedDashboardView({ ...dashboard, deletedAt: dashboard.deletedAt!, deletedBy: dashboard.deletedBy! }, this.retentionDays)),
    };
  }

  /** Brings a trashed dashboard back whole; 409 when a live dashboard has taken its name meanwhile. */
  async restoreFromTrash(id: string): Promise<DashboardWithWidgets> {
    const dashboard = await this.access.lockTrashed(id, this.trashCutoff());
    dashboard.deletedAt = null;
    dashboard.deletedBy = null;
    await this.flushRefusingDuplicateName(dashboard.name);
    return this.get(id);
  }

  /**
   * Deletes the current tenant's trash older than the retention for good; returns how many
   * dashboards went. Call inside a tenant scope (TenantScope.run), e.g. from a scheduled job.
   */
  async purgeExpiredTrash(): Promise<number> {
    return this.em.nativeDelete(Dashboard, { deletedAt: { $lt: this.trashCutoff() } });
  }

  /** The shared path of every change; returns the new version. */
  private async change(id: string, precondition: Precondition | undefined, apply: (dashboard: Dashboard) => Promise<void>): Promise<number> {
    const dashboard = await this.access.lockForChange(id, precondition);
    const now = new Date();
    await this.history.archive(id, now);
    await apply(dashboard);
    // After apply: a restore may read a version that this change's retention removes.
    await this.history.prune(id, dashboard.version);
    dashboard.version += 1;
    dashboard.updatedAt = now;
    dashboard.updatedBy = TenantContext.current().actorId;
    await this.flushRefusingDuplicateName(dashboard.name);
    return dashboard.version;
  }

  /** Trash deleted before this instant is gone: not listed, not restorable, purged by purgeExpiredTrash(). */
  trashCutoff(): Date {
    return new Date(Date.now() - this.retentionDays * 86_400_000);
  }

  private async flushRefusingDuplicateName(name: string): Promise<void> {
    try {
      await this.em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new ProblemException(409, `A dashboard named "${name}" already exists in this tenant.`, { errors: [{ field: 'name', messages: ['already taken'] }] });
      }
      throw error;
    }
  }
}

/**
 * The single read: a live dashboard (parameters: tenant, id) with its contents as a jsonb column, in
 * one statement. Row-level security scopes it too; the tenant is named like in every raw query.
 */
export function dashboardReadSql(contentsJson: string): string {
  return `select d.id, d.name, d.description, d.layout, d.filters, d.owner_id as "ownerId", d.is_public as "isPublic",
            d.allowed_viewers as "allowedViewers", d.version, d.created_at as "createdAt", d.updated_at as "updatedAt",
            d.updated_by as "updatedBy", ${contentsJson} as widgets
     from dashboards d where d.tenant_id = ? and d.id = ? and d.deleted_at is null`;
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
    throw new ProblemException(400, 'filters hold a number JSON cannot carry exactly (beyond ±2^53, or not finite).', {
      errors: [{ field: 'filters', messages: ['numbers must be finite and within ±2^53'] }],
    });
  }
  assertJsonWithin('filters', plain, MAX_DASHBOARD_JSON_BYTES);
  return plain;
}


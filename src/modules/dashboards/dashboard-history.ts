import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import { ProblemException } from '../../platform/errors/problem.exception.js';
import { keysetPage, type SortKey } from '../../platform/pagination/keyset.js';
import type { Page, PageQuery } from '../../platform/pagination/page.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import { isoInstant } from '../shared/sql-json.js';
import { DashboardAccess } from './dashboard-access.js';
import { DashboardContents } from './dashboard-content.js';
import { DashboardVersion } from './dashboard-version.entity.js';

const NEWEST_VERSION_FIRST: SortKey<DashboardVersion> = {
  name: 'version',
  expression: (alias) => `${alias}.version`,
  type: 'int4',
  valueOf: (row) => row.version,
};

function versionView(version: Pick<DashboardVersion, 'version' | 'savedBy' | 'savedAt' | 'replacedBy' | 'replacedAt'>) {
  return { version: version.version, savedBy: version.savedBy, savedAt: version.savedAt, replacedBy: version.replacedBy, replacedAt: version.replacedAt };
}
export type DashboardVersionView = ReturnType<typeof versionView>;

/**
 * A dashboard's history: before every change, its whole current state (fields and widgets, as the
 * API shows them) is kept as a version. The current state itself is the dashboard; the history
 * holds the versions it replaced.
 */
@Injectable()
export class DashboardHistory {
  constructor(
    private readonly em: EntityManager,
    private readonly access: DashboardAccess,
    private readonly contents: DashboardContents,
  ) {}

  /** The SQL of a dashboard's full state as jsonb, for the dashboard at `alias` (static SQL). */
  stateJson(alias: string): string {
    return `jsonb_build_object('id', ${alias}.id, 'name', ${alias}.name, 'description', ${alias}.description, 'layout', ${alias}.layout,
      'filters', ${alias}.filters, 'ownerId', ${alias}.owner_id, 'isPublic', ${alias}.is_public, 'allowedViewers', to_jsonb(${alias}.allowed_viewers),
      'version', ${alias}.version, 'createdAt', ${isoInstant(`${alias}.created_at`)}, 'updatedAt', ${isoInstant(`${alias}.updated_at`)},
      'updatedBy', ${alias}.updated_by, 'widgets', ${this.contents.jsonOf(alias)})`;
  }

  /**
   * Keeps the dashboard's current state (as stored: call before changing it) as a version replaced
   * by the current actor at `replacedAt`. One statement, whatever the number of widgets.
   */
  async archive(dashboardId: string, replacedAt: Date): Promise<void> {
    const { tenantId, actorId } = TenantContext.current();
    await this.em.execute(
      `insert into dashboard_versions (id, tenant_id, dashboard_id, version, snapshot, saved_by, saved_at, replaced_by, replaced_at)
       select ?, d.tenant_id, d.id, d.version, ${this.stateJson('d')}, d.updated_by, d.updated_at, ?, ?::timestamptz
       from dashboards d where d.tenant_id = ? and d.id = ?`,
      [uuidv7(), actorId, replacedAt.toISOString(), tenantId, dashboardId],
    );
  }

  async list(dashboardId: string, query: PageQuery): Promise<Page<DashboardVersionView>> {
    await this.access.visible(dashboardId);
    const qb = this.em.createQueryBuilder(DashboardVersion, 'v').select(['id', 'version', 'savedBy', 'savedAt', 'replacedBy', 'replacedAt']).where({ dashboardId });
    const page = await keysetPage<DashboardVersion>(qb, query, NEWEST_VERSION_FIRST);
    return { ...page, items: page.items.map(versionView) };
  }

  async get(dashboardId: string, version: number) {
    await this.access.visible(dashboardId);
    const kept = await this.find(dashboardId, version);
    return { ...versionView(kept), dashboard: kept.snapshot };
  }

  /** The state kept as `version` (the caller has checked access). */
  async find(dashboardId: string, version: number): Promise<DashboardVersion> {
    const kept = version > 0 ? await this.em.findOne(DashboardVersion, { dashboardId, version }) : null;
    if (!kept) throw new ProblemException(404, `That version is not in the dashboard's history.`);
    return kept;
  }
}

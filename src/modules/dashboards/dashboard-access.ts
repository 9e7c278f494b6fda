import { Injectable } from '@nestjs/common';
import { isAdmin, mayChange, notOwner } from '../../platform/auth/ownership.js';
import type { Principal } from '../../platform/auth/principal.js';
import { ProblemException } from '../../platform/errors/problem.exception.js';
import { assertPrecondition, type Precondition } from '../../platform/http/preconditions.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import type { Dashboard } from './dashboard.entity.js';
import { DashboardRepository } from './dashboard.repository.js';
import { DashboardProblems } from './dashboard-problems.js';

/** What decides who sees a dashboard. */
export type Visibility = Pick<Dashboard, 'ownerId' | 'isPublic' | 'allowedViewers'>;

/**
 * Who may see and change a dashboard. Seeing: its owner, anyone when it is public, the users it names
 * in `allowedViewers`, and admins. Changing: the owner and admins. A dashboard the caller may not
 * see is a 404, exactly like another tenant's or a trashed one: a 403 would confirm it exists.
 */
@Injectable()
export class DashboardAccess {
  constructor(private readonly dashboards: DashboardRepository) {}

  static canSee(principal: Principal, dashboard: Visibility): boolean {
    return (
      isAdmin(principal) ||
      dashboard.ownerId === principal.actorId ||
      dashboard.isPublic ||
      dashboard.allowedViewers.includes(principal.actorId)
    );
  }

  /** A live dashboard the caller may see, else 404. */
  async visible(id: string): Promise<Dashboard> {
    const dashboard = await this.dashboards.live(id);
    if (!dashboard || !DashboardAccess.canSee(TenantContext.current(), dashboard)) throw dashboardNotFound();
    return dashboard;
  }

  /**
   * A live dashboard locked until the unit of work ends, for a change: 404 when the caller may not
   * see it, 403 when they may see but not change it, 412 when the precondition is stale.
   */
  async lockForChange(id: string, precondition: Precondition | undefined): Promise<Dashboard> {
    const dashboard = await this.dashboards.lockedLive(id);
    const principal = TenantContext.current();
    if (!dashboard || !DashboardAccess.canSee(principal, dashboard)) throw dashboardNotFound();
    if (!mayChange(principal, dashboard.ownerId)) throw notOwner('dashboard');
    assertPrecondition(precondition, dashboard.version, 'dashboard');
    return dashboard;
  }

  /**
   * A dashboard in the trash within retention (deleted since `cutoff`), locked, for its owner or an
   * admin (anyone else: 404, the trash is theirs alone).
   */
  async lockTrashed(id: string, cutoff: Date): Promise<Dashboard> {
    const dashboard = await this.dashboards.trashedSince(id, cutoff, true);
    if (!dashboard || !mayChange(TenantContext.current(), dashboard.ownerId)) throw dashboardNotFound();
    return dashboard;
  }
}

export function dashboardNotFound(): ProblemException {
  return DashboardProblems.notFound();
}

import { ForeignKeyConstraintViolationException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { Precondition } from '../../platform/http/preconditions.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import type { Dashboard } from './dashboard.entity.js';
import { DashboardRepository } from './dashboard.repository.js';
import { DashboardAccess } from './dashboard-access.js';
import { DashboardHistory } from './dashboard-history.js';
import { DashboardProblems } from './dashboard-problems.js';

/** The foreign key from a dashboard to a project of its tenant (tenant_id, project_id). */
const PROJECT_FOREIGN_KEY = 'dashboards_project_fk';

/**
 * The one path of every change of a dashboard — its fields, its widgets, a restore: the row locked
 * FOR UPDATE (404/403/412 decided there), the previous state kept in the history, the change
 * applied, retention applied, `version` bumped by exactly one, all in the request's unit of work.
 */
@Injectable()
export class DashboardChanges {
  constructor(
    private readonly dashboards: DashboardRepository,
    private readonly access: DashboardAccess,
    private readonly history: DashboardHistory,
  ) {}

  /** Runs `apply` as a change of the dashboard; returns its result and the new version. */
  async run<T>(
    id: string,
    precondition: Precondition | undefined,
    apply: (dashboard: Dashboard) => Promise<T>,
  ): Promise<{ result: T; version: number }> {
    const dashboard = await this.access.lockForChange(id, precondition);
    const now = new Date();
    await this.history.archive(id, now);
    const result = await apply(dashboard);
    // After apply: a restore may read a version that this change's retention removes.
    await this.history.prune(id, dashboard.version);
    dashboard.version += 1;
    dashboard.updatedAt = now;
    dashboard.updatedBy = TenantContext.current().actorId;
    await this.refusingDuplicateName(dashboard.name, () => this.dashboards.flush());
    return { result, version: dashboard.version };
  }

  /**
   * Runs a write of a dashboard named `name`: a live dashboard of the same name (any case) makes it a
   * 409; a projectId that is not a project of the tenant (the composite foreign key) a 400.
   */
  async refusingDuplicateName<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw DashboardProblems.nameTaken(name);
      }
      if (error instanceof ForeignKeyConstraintViolationException && error.message.includes(PROJECT_FOREIGN_KEY)) {
        throw DashboardProblems.unknownProject();
      }
      throw error;
    }
  }
}

import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { CompiledQuery } from 'kysely';
import { principalOf, Role } from '../../platform/auth/principal.js';
import { MaintenanceDatabase } from '../../platform/database/maintenance-database.js';
import { TenantScope } from '../../platform/tenancy/tenant-scope.js';

/**
 * The shape of the dashboards' hourly jobs: only listing the tenants that have work needs the schema
 * owner (whose maintenance policies allow that one read); the work itself runs tenant by tenant, each
 * in its own tenant unit of work as the runtime role, audited as `service:<actor>`. A tenant that
 * fails is logged and retried at the next run.
 */
@Injectable()
export class TenantSweep implements OnApplicationBootstrap {
  private readonly logger = new Logger(TenantSweep.name);

  constructor(
    private readonly maintenance: MaintenanceDatabase,
    private readonly tenantScope: TenantScope,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.maintenance.available) {
      this.logger.warn(
        'No DATABASE_OWNER_URL: expired dashboard trash is hidden but not purged, and dashboard history expires only when its dashboard changes',
      );
    }
  }

  /**
   * Runs `work` for each tenant that `tenants` lists (a repository's statement for the owner);
   * returns the sum of its results (0 without the owner).
   */
  async run(tenants: CompiledQuery<{ tenant_id: string }>, actor: string, work: () => Promise<number>): Promise<number> {
    if (!this.maintenance.available) {
      return 0;
    }
    const listed = await this.maintenance.transaction(
      {},
      async (owner) => (await owner.query<{ tenant_id: string }>(tenants.sql, [...tenants.parameters])).rows,
    );
    let total = 0;
    for (const { tenant_id: tenant } of listed) {
      try {
        total += await this.tenantScope.run(principalOf(tenant, actor, [Role.Service]), work);
      } catch (error) {
        this.logger.error(
          { err: error, tenantId: tenant, actor },
          'A dashboards maintenance job failed for a tenant; it is retried next hour',
        );
      }
    }
    return total;
  }
}

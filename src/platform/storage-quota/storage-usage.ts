import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Interval } from '@nestjs/schedule';
import type { Environment } from '../../config/environment.js';
import { MaintenanceDatabase } from '../database/maintenance-database.js';
import { queryRows, sql } from '../database/sql/sql.js';
import { ClusterJobs } from '../jobs/cluster-jobs.js';
import type { ClusterJob } from '../jobs/job-outcome.js';

export interface StorageUsage {
  quotaBytes: number;
  usedBytes: number;
  overQuota: boolean;
  tables: { table: string; bytes: number }[];
}

/** How often the accounting of every tenant is brought up to date (and the over-quota list with it). */
const COMPACTION_INTERVAL_MS = 60_000;
const FOLD: ClusterJob = { name: 'storage-usage-compaction', periodMs: COMPACTION_INTERVAL_MS };

/**
 * What each tenant stores. The database keeps the account itself: a `storage_account` trigger on
 * every tenant table but the audit trail appends each row's change of size to
 * `tenant_storage_deltas` (an insert, never a contended update), and compaction folds those into
 * `tenant_storage` every minute. A tenant's usage is exact on read (totals plus pending deltas); the
 * quota is enforced from the list of tenants over it, which each instance reads every minute, so a
 * tenant can exceed it by at most a minute of writes (bounded by the rate limits and the per-row caps).
 */
@Injectable()
export class StorageUsageService implements OnApplicationBootstrap {
  private readonly logger = new Logger(StorageUsageService.name);
  readonly quotaBytes: number;
  private overQuota = new Set<string>();

  constructor(
    private readonly em: EntityManager,
    private readonly maintenance: MaintenanceDatabase,
    private readonly jobs: ClusterJobs,
    config: ConfigService<Environment, true>,
  ) {
    this.quotaBytes = config.get('TENANT_STORAGE_QUOTA_BYTES', { infer: true });
  }

  onApplicationBootstrap(): void {
    if (!this.maintenance.available) {
      this.logger.warn('No DATABASE_OWNER_URL: storage usage is reported but the storage quota is not enforced');
    }
  }

  isOverQuota(tenantId: string): boolean {
    return this.overQuota.has(tenantId);
  }

  /** The current tenant's usage, by table. Call inside a tenant scope. */
  async usage(): Promise<StorageUsage> {
    const rows = await queryRows(
      this.em,
      sql<{ table_name: string; bytes: string }>`
      select table_name, sum(bytes)::text as bytes from (
        select table_name, bytes from tenant_storage
        union all select table_name, bytes from tenant_storage_deltas
      ) accounted group by table_name having sum(bytes) <> 0 order by table_name`,
    );
    const tables = rows.map((row) => ({ table: row.table_name, bytes: Number(row.bytes) }));
    const usedBytes = tables.reduce((sum, { bytes }) => sum + bytes, 0);
    return { quotaBytes: this.quotaBytes, usedBytes, overQuota: usedBytes > this.quotaBytes, tables };
  }

  /**
   * Folds the pending deltas of every tenant into their totals, on one instance of the cluster per
   * minute (shared work: concurrent folds would only contend for the same rows), then refreshes who is
   * over quota, which every instance needs for its own guard. That list is read from totals plus
   * pending deltas, so it is exact whichever instance folded last.
   */
  @Interval(FOLD.name, COMPACTION_INTERVAL_MS)
  async compact(): Promise<void> {
    if (!this.maintenance.available) return;
    await this.jobs.runOncePerPeriod(FOLD, () => this.fold());
    try {
      this.overQuota = new Set(await this.tenantsOverQuota());
    } catch (error) {
      this.logger.error({ err: error }, 'Reading who is over the storage quota failed; it is retried in a minute');
    }
  }

  private fold(): Promise<unknown> {
    return this.maintenance.transaction({}, (owner) =>
      owner.query(`
        with folded as (delete from tenant_storage_deltas returning tenant_id, table_name, bytes)
        insert into tenant_storage (tenant_id, table_name, bytes)
        select tenant_id, table_name, sum(bytes) from folded group by tenant_id, table_name
        on conflict (tenant_id, table_name) do update set bytes = tenant_storage.bytes + excluded.bytes`),
    );
  }

  private async tenantsOverQuota(): Promise<string[]> {
    const { rows } = await this.maintenance.transaction({}, (owner) =>
      owner.query<{ tenant_id: string }>(
        `select tenant_id from (
           select tenant_id, bytes from tenant_storage union all select tenant_id, bytes from tenant_storage_deltas
         ) accounted group by tenant_id having sum(bytes) > $1`,
        [this.quotaBytes],
      ),
    );
    return rows.map((row) => row.tenant_id);
  }
}

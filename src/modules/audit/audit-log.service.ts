import { Injectable } from '@nestjs/common';
import type { Page } from '../../platform/pagination/page.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import { TenantScope } from '../../platform/tenancy/tenant-scope.js';
import { AuditEntryRepository } from './audit-entry.repository.js';
import { type AuditEntryView, auditEntryView } from './audit-entry.view.js';
import { AuditProblems } from './audit-problems.js';
import { type ActivityStats, activityStats, STATS_LIMITS } from './audit-stats.js';
import type { AuditStatsQuery } from './dto/audit-stats.query.js';
import type { AuditFilterQuery, ListAuditLogsQuery } from './dto/list-audit-logs.query.js';

/** Rows an export reads per query: small enough to stream in constant memory, large enough to be fast. */
const EXPORT_BATCH_SIZE = 1_000;

/** Reads the current tenant's audit trail. */
@Injectable()
export class AuditLogService {
  constructor(
    private readonly entries: AuditEntryRepository,
    private readonly tenantScope: TenantScope,
  ) {}

  async list(query: ListAuditLogsQuery): Promise<Page<AuditEntryView>> {
    const page = await this.entries.page(query, query);
    return { items: page.items.map(auditEntryView), nextCursor: page.nextCursor };
  }

  async count(filters: AuditFilterQuery): Promise<{ count: number }> {
    return { count: await this.entries.countMatching(filters) };
  }

  /**
   * Entries per bucket and action family over a range no wider than STATS_LIMITS allows for the
   * bucket (so one call's cost is bounded); the range defaults to the last day (hour) or 30 days (day).
   */
  async stats(query: AuditStatsQuery): Promise<ActivityStats> {
    const limits = STATS_LIMITS[query.bucket];
    const to = query.to ?? new Date();
    const from = query.from ?? new Date(to.getTime() - limits.defaultRangeMs);
    if (from.getTime() >= to.getTime()) {
      throw AuditProblems.invertedRange();
    }
    if (to.getTime() - from.getTime() > limits.maxRangeMs) {
      throw AuditProblems.rangeTooWide(query.bucket, limits.maxRangeText, limits.maxRangeMs / 86_400_000);
    }
    return activityStats(from, to, query.bucket, await this.entries.activityByFamily({ from, to }, query.bucket));
  }

  async get(id: string): Promise<AuditEntryView> {
    const entry = await this.entries.byId(id);
    if (!entry) {
      throw AuditProblems.entryNotFound();
    }
    return auditEntryView(entry);
  }

  /**
   * Every matching entry, newest first, one batch at a time: memory stays constant however many
   * match. The tenant's pending entries are sealed first, so the copy carries their chain links.
   * Each batch is read in a unit of work of its own (call it inside a tenant context, not a
   * transaction), so a slow reader holds no transaction; the keyset cursor neither skips nor
   * repeats an entry between batches, and entries recorded meanwhile are newer than the cursor.
   */
  async *export(query: AuditFilterQuery): AsyncGenerator<AuditEntryView[]> {
    const principal = TenantContext.current();
    const origin = TenantContext.origin();
    await this.tenantScope.run(principal, () => this.entries.sealPending(true), origin);
    let cursor: string | undefined;
    do {
      const page = await this.tenantScope.run(principal, () => this.entries.page(query, { limit: EXPORT_BATCH_SIZE, cursor }), origin);
      yield page.items.map(auditEntryView);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
}

import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { ProblemException } from '../../platform/errors/problem.exception.js';
import { ormKeysetPage, ORM_NEWEST_FIRST } from '../../platform/pagination/keyset.js';
import type { Page } from '../../platform/pagination/page.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import { TenantScope } from '../../platform/tenancy/tenant-scope.js';
import { AuditEntry } from './audit-entry.entity.js';
import { auditEntryView, type AuditEntryView } from './audit-entry.view.js';
import type { AuditFilterQuery, ListAuditLogsQuery } from './dto/list-audit-logs.query.js';

/** Rows an export reads per query: small enough to stream in constant memory, large enough to be fast. */
const EXPORT_BATCH_SIZE = 1_000;

/** Reads the current tenant's audit trail (the tenant filter and row-level security scope every query). */
@Injectable()
export class AuditLogService {
  constructor(
    private readonly em: EntityManager,
    private readonly tenantScope: TenantScope,
  ) {}

  async list(query: ListAuditLogsQuery): Promise<Page<AuditEntryView>> {
    const page = await ormKeysetPage<AuditEntry>(this.filtered(query), query, ORM_NEWEST_FIRST);
    return { items: page.items.map(auditEntryView), nextCursor: page.nextCursor };
  }

  async get(id: string): Promise<AuditEntryView> {
    const entry = await this.em.findOne(AuditEntry, { id });
    if (!entry) {
      throw new ProblemException(404, 'No audit entry with this id.');
    }
    return auditEntryView(entry);
  }

  /**
   * Every matching entry, newest first, one batch at a time: memory stays constant however many
   * match. Each batch is read in a unit of work of its own (call it inside a tenant context, not a
   * transaction), so a slow reader holds no transaction; the keyset cursor neither skips nor
   * repeats an entry between batches, and entries recorded meanwhile are newer than the cursor.
   */
  async *export(query: AuditFilterQuery): AsyncGenerator<AuditEntryView[]> {
    const principal = TenantContext.current();
    const origin = TenantContext.origin();
    let cursor: string | undefined;
    do {
      const page = await this.tenantScope.run(
        principal,
        () => ormKeysetPage<AuditEntry>(this.filtered(query), { limit: EXPORT_BATCH_SIZE, cursor }, ORM_NEWEST_FIRST),
        origin,
      );
      yield page.items.map(auditEntryView);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  private filtered(query: AuditFilterQuery) {
    const qb = this.em.createQueryBuilder(AuditEntry, 'a').select('*');
    if (query.actorId) qb.andWhere({ actorId: query.actorId });
    if (query.action) qb.andWhere({ action: query.action.endsWith('.') ? { $like: `${query.action.replaceAll('_', '\\_')}%` } : query.action });
    if (query.resourceType) qb.andWhere({ resourceType: query.resourceType });
    if (query.resourceId) qb.andWhere({ resourceId: query.resourceId });
    if (query.requestId) qb.andWhere({ requestId: query.requestId });
    if (query.from) qb.andWhere({ createdAt: { $gte: query.from } });
    if (query.to) qb.andWhere({ createdAt: { $lt: query.to } });
    return qb;
  }
}

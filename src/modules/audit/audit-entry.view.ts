import type { AuditEntry } from './audit-entry.entity.js';

/** An audit entry as the API shows it; the database records column names, the API speaks camelCase. */
export function auditEntryView(entry: AuditEntry) {
  return {
    id: entry.id,
    tenantId: entry.tenantId,
    actorId: entry.actorId,
    actorRoles: entry.actorRoles,
    action: entry.action,
    resourceType: entry.resourceType,
    resourceId: entry.resourceId ?? null,
    details: camelCaseChanges(entry.details),
    ipAddress: entry.ipAddress ?? null,
    userAgent: entry.userAgent ?? null,
    requestId: entry.requestId ?? null,
    createdAt: entry.createdAt,
    chain: entry.chain,
    chainSeq: Number(entry.chainSeq),
    prevHash: entry.prevHash?.toString('hex') ?? null,
    hash: entry.hash.toString('hex'),
  };
}

export type AuditEntryView = ReturnType<typeof auditEntryView>;

function camelCaseChanges(details: Record<string, unknown>): Record<string, unknown> {
  const changes = details.changes as Record<string, unknown> | undefined;
  if (!changes) {
    return details;
  }
  const renamed = Object.fromEntries(Object.entries(changes).map(([column, change]) => [column.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()), change]));
  return { ...details, changes: renamed };
}

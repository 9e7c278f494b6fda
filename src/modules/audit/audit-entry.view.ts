/** An audit entry as stored, with its columns' property names. */
export interface AuditEntryRow {
  id: string;
  tenantId: string;
  /** The chain fields are null until the entry is sealed (see audit_seal_pending). */
  chain: number | null;
  chainSeq: string | null;
  prevHash: Buffer | null;
  hash: Buffer | null;
  actorId: string;
  actorRoles: string[];
  action: string;
  resourceType: string;
  resourceId: string | null;
  details: Record<string, unknown>;
  ipAddress: string | null;
  userAgent: string | null;
  requestId: string | null;
  /** As the API writes instants (ISO 8601, UTC, milliseconds). */
  createdAt: string;
}

/** An audit entry as the API shows it; the database records column names, the API speaks camelCase. */
export function auditEntryView(entry: AuditEntryRow) {
  return {
    id: entry.id,
    tenantId: entry.tenantId,
    actorId: entry.actorId,
    actorRoles: entry.actorRoles,
    action: entry.action,
    resourceType: entry.resourceType,
    resourceId: entry.resourceId,
    details: camelCaseChanges(entry.details),
    ipAddress: entry.ipAddress,
    userAgent: entry.userAgent,
    requestId: entry.requestId,
    createdAt: entry.createdAt,
    chain: entry.chain,
    chainSeq: entry.chainSeq === null ? null : Number(entry.chainSeq),
    prevHash: entry.prevHash?.toString('hex') ?? null,
    hash: entry.hash?.toString('hex') ?? null,
  };
}

export type AuditEntryView = ReturnType<typeof auditEntryView>;

function camelCaseChanges(details: Record<string, unknown>): Record<string, unknown> {
  const changes = details.changes as Record<string, unknown> | undefined;
  if (!changes) {
    return details;
  }
  const renamed = Object.fromEntries(
    Object.entries(changes).map(([column, change]) => [column.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()), change]),
  );
  return { ...details, changes: renamed };
}

/**
 * The first key of PostgreSQL's two-key advisory locks, one class per purpose. Locks of different
 * classes can never be equal, and none equals a one-key lock (PostgreSQL keeps the two forms apart),
 * so no key a client influences can reach a lock of another purpose, let alone another tenant's.
 * Within a class the second key is a 32-bit hash: where a client chooses the text, it is hashed with
 * a server secret (see IdempotencyService), so that a collision cannot be searched for offline.
 */
export const AdvisoryLockClass = {
  /** Edits of one tenant's task dependency graph; second key: hashtext(tenant id). */
  TaskGraph: 1,
  /** A request running with an Idempotency-Key; second key: keyed hash of tenant, actor and key. */
  Idempotency: 2,
  /** A tenant's audit sealer (audit_seal_pending(); writers took one per chain before it); second key: hashtext(tenant id). */
  AuditChain: 3,
} as const;

/**
 * The tenant id of global catalogue entries: assets and workflows every tenant reads and none writes
 * (ADR 0006). No token can carry it (a tenant id holds no control character), and it is neither ''
 * nor NULL, which is what an unset app.tenant_id reads as: a connection without a tenant matches no
 * global row for writing. Row-level security adds a read-only policy for these rows (read by every
 * tenant) and refuses the runtime role any write of them, whatever app.tenant_id says.
 */
export const GLOBAL_TENANT_ID = '\u001fglobal';

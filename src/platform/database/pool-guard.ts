import type pg from 'pg';

/** PostgreSQL's transaction status of a connection: inside a transaction, or inside a failed one. */
const UNFINISHED_TRANSACTION = new Set<string | null>(['T', 'E']);

/**
 * A connection must come back to the pool outside any transaction. One that is still inside one was
 * given up half-way (its COMMIT or ROLLBACK failed or timed out on the client while the server was
 * frozen): ending it on release makes the pool drop it instead of handing a later unit of work a
 * connection in an unknown state. pg-pool emits `release` before it decides whether to keep the
 * client, and drops a client that is ending.
 */
export function discardUnfinishedConnections(pool: pg.Pool): void {
  pool.on('release', (error, client) => {
    if (!error && UNFINISHED_TRANSACTION.has(client.getTransactionStatus())) {
      client.end().catch(() => undefined);
    }
  });
}

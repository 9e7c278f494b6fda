import type pg from 'pg';

/** How the ORM (through Kysely) opens and ends every transaction: exactly these texts, without parameters. */
const BEGIN = 'begin';
const ENDINGS = new Set(['commit', 'rollback']);

type Send = (...args: unknown[]) => unknown;

/**
 * Sends a transaction's BEGIN together with its first statement, in one round trip instead of two:
 * every unit of work opens with a parameterless `select set_config(…)` (the tenant's settings), which
 * PostgreSQL runs as `begin; select set_config(…)` in one simple-query message exactly as it would
 * run the two messages in turn. A first statement with parameters (or any other kind of query) gets
 * the BEGIN sent just before it, as before; a transaction ended before any statement never began,
 * so its COMMIT or ROLLBACK is not sent either. Installed on each of the pool's connections.
 */
export function sendBeginWithFirstStatement(pool: pg.Pool): void {
  const beginPending = new WeakSet<pg.ClientBase>();
  pool.on('connect', (client) => deferBegin(client, beginPending));
  // A connection goes back to the pool outside any transaction, begun or not.
  pool.on('release', (_error, client) => beginPending.delete(client));
}

function deferBegin(client: pg.ClientBase, beginPending: WeakSet<pg.ClientBase>): void {
  // pg's own query(), looked up on every call: instrumentation (tracing, the tests' statement capture) wraps the prototype's.
  const send: Send = (...args) => (Object.getPrototypeOf(client).query as Send).apply(client, args);
  const deferred: Send = (text, values, ...rest) => {
    const promised = typeof text === 'string' && rest.length === 0;
    const parameterless = promised && (values === undefined || (Array.isArray(values) && values.length === 0));
    if (parameterless && text === BEGIN) {
      beginPending.add(client);
      return Promise.resolve(emptyResult('BEGIN'));
    }
    if (!beginPending.delete(client)) return send(text, values, ...rest);
    if (parameterless && ENDINGS.has(text)) return Promise.resolve(emptyResult(text.toUpperCase()));
    if (parameterless) return (send(`${BEGIN};${text}`) as Promise<pg.QueryResult | pg.QueryResult[]>).then(withoutBegin);
    if (promised) return (send(BEGIN) as Promise<unknown>).then(() => send(text, values));
    // A cursor or a callback: pg runs a connection's queries in the order given, so the BEGIN still
    // goes first. Its only possible failure is the connection's, which fails this query as well.
    (send(BEGIN) as Promise<unknown>).catch(() => undefined);
    return send(text, values, ...rest);
  };
  client.query = deferred as pg.ClientBase['query'];
}

/** The statement's own result(s): pg answers a message of several statements with one result each. */
function withoutBegin(results: pg.QueryResult | pg.QueryResult[]): pg.QueryResult | pg.QueryResult[] {
  if (!Array.isArray(results)) return results;
  return results.length === 2 ? results[1] : results.slice(1);
}

function emptyResult(command: string): pg.QueryResult {
  return { command, rowCount: null, oid: 0, fields: [], rows: [] };
}

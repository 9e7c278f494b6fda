import pg from 'pg';
import type { Principal } from '../../src/platform/auth/principal.js';
import { TenantContext } from '../../src/platform/tenancy/tenant-context.js';

export interface CapturedStatement {
  text: string;
  values: unknown[];
}

/** Statements of the unit of work itself, not its opening (transaction, tenant settings) or closing. */
const BOOKKEEPING = /^(begin|commit|rollback|savepoint|release savepoint|select set_config\()/i;

/**
 * Captures the statements that `principal`'s units of work send to PostgreSQL while `work` runs:
 * every statement, ORM, Kysely and raw alike, reaches the server through a pg client. Statements of
 * timers meanwhile (the database probe, jobs) are left out. For tests and benchmarks only.
 */
export async function captureStatements(principal: Principal, work: () => Promise<unknown>): Promise<CapturedStatement[]> {
  const captured: CapturedStatement[] = [];
  const originalQuery = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const [first, second] = args as [string | { text?: string; values?: unknown[] }, unknown];
    const text = typeof first === 'string' ? first : first?.text;
    const values = (Array.isArray(second) ? second : typeof first === 'object' ? first?.values : undefined) ?? [];
    // A transaction's BEGIN travels with its first statement (begin-with-first-statement.ts).
    const statement = text?.trim().replace(/^begin;/i, '');
    if (statement && !BOOKKEEPING.test(statement) && isPrincipal(principal)) captured.push({ text: statement, values });
    return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof pg.Client.prototype.query;
  try {
    await work();
  } finally {
    pg.Client.prototype.query = originalQuery;
  }
  return captured;
}

function isPrincipal(principal: Principal): boolean {
  try {
    return TenantContext.current() === principal;
  } catch {
    return false;
  }
}

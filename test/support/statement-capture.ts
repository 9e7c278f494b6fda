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
 * Every statement a pg client sends while `work` runs (its text trimmed, with its values), of those
 * `keep` accepts at the moment it is sent. Every statement, ORM, Kysely and raw alike, reaches the
 * server through a pg client. For tests and benchmarks only.
 */
export async function statementsSentDuring(
  work: () => Promise<unknown>,
  keep: (statement: CapturedStatement) => boolean = () => true,
): Promise<CapturedStatement[]> {
  const captured: CapturedStatement[] = [];
  const originalQuery = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const [first, second] = args as [string | { text?: string; values?: unknown[] }, unknown];
    const text = typeof first === 'string' ? first : first?.text;
    const values = (Array.isArray(second) ? second : typeof first === 'object' ? first?.values : undefined) ?? [];
    const statement = { text: text?.trim() ?? '', values };
    if (statement.text && keep(statement)) captured.push(statement);
    return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof pg.Client.prototype.query;
  try {
    await work();
  } finally {
    pg.Client.prototype.query = originalQuery;
  }
  return captured;
}

/**
 * The statements that `principal`'s units of work send to PostgreSQL while `work` runs, without their
 * opening and closing. Statements of timers meanwhile (the database probe, jobs) are left out.
 */
export async function captureStatements(principal: Principal, work: () => Promise<unknown>): Promise<CapturedStatement[]> {
  const sent = await statementsSentDuring(work, ({ text }) => !BOOKKEEPING.test(withoutBegin(text)) && isPrincipal(principal));
  return sent.map((statement) => ({ ...statement, text: withoutBegin(statement.text) }));
}

/** A transaction's BEGIN travels with its first statement (begin-with-first-statement.ts). */
function withoutBegin(text: string): string {
  return text.replace(/^begin;/i, '');
}

function isPrincipal(principal: Principal): boolean {
  try {
    return TenantContext.current() === principal;
  } catch {
    return false;
  }
}

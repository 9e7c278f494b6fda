import pg from 'pg';
import { sendBeginWithFirstStatement } from '../../src/platform/database/begin-with-first-statement.js';
import { statementsSentDuring } from '../support/statement-capture.js';
import { createTestDatabase, TestDatabase } from '../support/test-database.js';

/**
 * The pool-level half of every unit of work's opening: the ORM sends `begin`, then the tenant's
 * settings as a parameterless statement; the server must receive them as one message and run them,
 * and what follows, as one transaction.
 */
describe('sending BEGIN with the first statement', () => {
  let database: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.runtimeUrl, max: 1 });
    sendBeginWithFirstStatement(pool);
  });
  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  /** What reaches the wire while `work` runs: every call the deferring wrapper makes to pg's own query(). */
  const sentDuring = async (work: () => Promise<unknown>): Promise<string[]> => (await statementsSentDuring(work)).map(({ text }) => text);

  const inTransaction = async <T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  };

  it('sends the BEGIN and a parameterless first statement in one message, and runs both in the transaction', async () => {
    let seen!: { settings: { tenant: string; xid: string }; later: { tenant: string; xid: string } };
    const sent = await sentDuring(async () => {
      seen = await inTransaction(async (client) => {
        await client.query('begin', []);
        const settings = await client.query("select set_config('app.tenant_id', 'acme', true) as tenant, txid_current() as xid", []);
        const later = await client.query<{ tenant: string; xid: string }>(
          "select current_setting('app.tenant_id') as tenant, txid_current() as xid, $1::int as one",
          [1],
        );
        await client.query('commit', []);
        return { settings: settings.rows[0], later: later.rows[0] };
      });
    });
    expect(sent).toEqual([
      "begin;select set_config('app.tenant_id', 'acme', true) as tenant, txid_current() as xid",
      "select current_setting('app.tenant_id') as tenant, txid_current() as xid, $1::int as one",
      'commit',
    ]);
    expect(seen.settings).toEqual({ tenant: 'acme', xid: seen.later.xid });
    expect(seen.later.tenant).toBe('acme');
    // Local to the transaction: gone once it committed.
    const after = await pool.query<{ tenant: string | null }>("select current_setting('app.tenant_id', true) as tenant");
    expect(after.rows[0].tenant ?? '').toBe('');
  });

  it('sends the BEGIN on its own before a first statement with parameters', async () => {
    let xids: string[] = [];
    const sent = await sentDuring(async () => {
      xids = await inTransaction(async (client) => {
        await client.query('begin', []);
        const first = await client.query<{ xid: string }>('select txid_current() as xid, $1::text as tag', ['a']);
        const second = await client.query<{ xid: string }>('select txid_current() as xid');
        await client.query('rollback', []);
        return [first.rows[0].xid, second.rows[0].xid];
      });
    });
    expect(sent).toEqual(['begin', 'select txid_current() as xid, $1::text as tag', 'select txid_current() as xid', 'rollback']);
    expect(xids[0]).toBe(xids[1]);
  });

  it('rolls back what the first statement did when a later one fails', async () => {
    await pool.query('create temporary table if not exists scratch (n int)');
    const sent = await sentDuring(() =>
      expect(
        inTransaction(async (client) => {
          await client.query('begin', []);
          await client.query('insert into scratch values (1)', []);
          try {
            await client.query('select 1 / 0', []);
          } finally {
            await client.query('rollback', []);
          }
        }),
      ).rejects.toThrow(/division by zero/),
    );
    expect((await pool.query('select count(*)::int as n from scratch')).rows[0].n).toBe(0);
    expect(sent).toContain('begin;insert into scratch values (1)');
  });

  it('sends nothing for a transaction ended before any statement', async () => {
    const sent = await sentDuring(() =>
      inTransaction(async (client) => {
        await client.query('begin', []);
        await client.query('commit', []);
      }),
    );
    expect(sent).toEqual([]);
  });

  it('forgets a BEGIN still pending when the connection goes back to the pool', async () => {
    const sent = await sentDuring(async () => {
      await inTransaction((client) => client.query('begin', []));
      await pool.query('select 1');
    });
    expect(sent).toEqual(['select 1']);
    expect((await pool.query("select current_setting('transaction_isolation') as level")).rows).toHaveLength(1);
  });
});

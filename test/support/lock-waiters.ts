import type pg from 'pg';

/**
 * The backends of the server's pool (application name `tessera`) in one database that wait for a
 * lock: requests a test keeps inside their transaction by holding a row lock they need.
 */
export async function lockWaiters(admin: pg.Client, database: string): Promise<number[]> {
  // Inside a transaction, pg_stat_activity is a snapshot taken at its first read.
  await admin.query('select pg_stat_clear_snapshot()');
  const { rows } = await admin.query<{ pid: number }>(
    `select pid from pg_stat_activity where datname = $1 and application_name = 'tessera' and wait_event_type = 'Lock'`,
    [database],
  );
  return rows.map((row) => row.pid);
}

export async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

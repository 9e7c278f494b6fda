import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chown, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ChildOutput } from '../../support/child-output.js';
import { freePort } from '../../support/free-port.js';
import type { DeployDatabase, Login } from './deploy-database.js';
import { findSystemBinary } from './system-binary.js';

export interface PgBouncerOptions {
  /** Server connections per (database, user) pair: the real pool every instance behind shares. */
  defaultPoolSize?: number;
  /** Client connections it accepts, all instances together. */
  maxClientConn?: number;
}

/** A running PgBouncer in transaction mode in front of a deploy database. */
export interface PgBouncer {
  host: string;
  port: number;
  /** The runtime role through the bouncer: DATABASE_URL for Tessera behind it. */
  runtimeUrl: string;
  /** The schema owner through the bouncer (migrations must not use it; see docs/deployment.md). */
  ownerUrl: string;
  /** What PgBouncer wrote so far (it logs to stderr), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 10_000;

/**
 * Starts Debian's PgBouncer (found in PATH, then /usr/sbin and /usr/bin) with `pool_mode=transaction`
 * in front of `database`, its ini and user list in a temporary folder. Clients authenticate with
 * SCRAM against the plain-text passwords of the user list, which PgBouncer also uses to log in to
 * PostgreSQL (whose roles have SCRAM secrets). Nothing is ignored among start-up parameters: a
 * client sending one PgBouncer cannot keep per transaction (statement_timeout…) is refused, as in
 * production.
 */
export async function startPgBouncer(database: DeployDatabase, options: PgBouncerOptions = {}): Promise<PgBouncer> {
  const binary = await findSystemBinary('pgbouncer');
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'tessera-pgbouncer-'));
  const { owner, runtime } = database.logins;
  await writeFile(join(dir, 'userlist.txt'), [owner, runtime].map(userListLine).join(''));
  await writeFile(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `${database.database} = host=${database.host} port=${database.port} dbname=${database.database}`,
      '[pgbouncer]',
      `listen_addr = ${HOST}`,
      `listen_port = ${port}`,
      // No Unix socket: several bouncers may run at once, and none should need a shared folder.
      'unix_socket_dir =',
      'auth_type = scram-sha-256',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      'pool_mode = transaction',
      `default_pool_size = ${options.defaultPoolSize ?? 20}`,
      `max_client_conn = ${options.maxClientConn ?? 200}`,
      'server_tls_sslmode = disable',
      '',
    ].join('\n'),
  );
  const owned = await runAsOwnerOf(dir, database);
  const child = spawn(binary, [join(dir, 'pgbouncer.ini')], { stdio: ['ignore', 'ignore', 'pipe'], ...owned });
  const log = new ChildOutput(child.stderr);
  const runtimeUrl = urlThrough(port, runtime, database.database);
  const stop = async () => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(runtimeUrl, child);
  } catch (error) {
    await stop();
    throw new Error(`PgBouncer did not start: ${(error as Error).message}. Its log:\n${log}`);
  }
  return { host: HOST, port, runtimeUrl, ownerUrl: urlThrough(port, owner, database.database), log: () => log.toString(), stop };
}

function userListLine({ user, password }: Login): string {
  return `"${user}" "${password.replaceAll('"', '""')}"\n`;
}

function urlThrough(port: number, { user, password }: Login, database: string): string {
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${HOST}:${port}/${encodeURIComponent(database)}`;
}

/**
 * PgBouncer refuses to run as root: there it runs as the user PostgreSQL runs as (the owner of the
 * data folder the embedded server was initialised in), which must be able to read its folder.
 */
async function runAsOwnerOf(dir: string, database: DeployDatabase): Promise<{ uid?: number; gid?: number }> {
  if (process.getuid?.() !== 0) return {};
  const { uid, gid } = await stat(database.dataDir);
  await chown(dir, uid, gid);
  return { uid, gid };
}

/** Polls with a real query through the bouncer: listening is not enough, it must reach PostgreSQL. */
async function waitUntilServing(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`it exited (${child.exitCode ?? child.signalCode})`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  // SIGINT: PgBouncer's "safe shutdown" waits for clients; SIGTERM closes at once, which is what a test wants.
  child.kill('SIGTERM');
  await exited;
}

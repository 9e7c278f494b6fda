import { rm } from 'node:fs/promises';
import { cpus } from 'node:os';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { DEVELOPMENT_JWT_SECRET } from '../src/config/environment.js';
import { type EmbeddedDatabase, startEmbeddedDatabase } from '../src/platform/database/embedded-database.js';
import { migrateToLatest } from '../src/platform/database/migrations.js';
import { tenantName } from './seed.js';
import { startBuiltServer } from './server.js';

/**
 * npm run bench:chaos: the built server under a mixed load (task creations and list reads, 20
 * tenants) while its PostgreSQL is restarted three times — killed, shut down fast, killed — and
 * brought back by the embedded database's supervisor. Reports responses by kind, how long each
 * outage lasted for the database and for the clients, and whether any acknowledged write was lost.
 */
const DURATION_MS = Number(process.env.BENCH_CHAOS_SECONDS ?? 60) * 1_000;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const TENANTS = 20;
const DATA_DIR = '.data/bench-chaos';
const DATABASE_PORT = Number(process.env.BENCH_DATABASE_PORT ?? 54332);
const HTTP_PORT = Number(process.env.BENCH_HTTP_PORT ?? 3101);
/** When (as a share of the run) PostgreSQL is restarted, and how. */
const RESTARTS: { at: number; signal: NodeJS.Signals; what: string }[] = [
  { at: 0.2, signal: 'SIGKILL', what: 'crash (SIGKILL of the postmaster)' },
  { at: 0.5, signal: 'SIGINT', what: 'fast shutdown (SIGINT)' },
  { at: 0.8, signal: 'SIGKILL', what: 'crash (SIGKILL of the postmaster)' },
];

interface Response {
  sentAt: number;
  answeredAt: number;
  kind: string;
  createdId?: string;
}

interface Outage {
  what: string;
  killedAt: number;
  backAt: number;
}

const tokens = Array.from({ length: TENANTS }, (_, index) =>
  jwt.sign({ tenant_id: tenantName(index + 1) }, DEVELOPMENT_JWT_SECRET, { subject: 'chaos', expiresIn: '1h' }),
);

async function drive(until: number, responses: Response[]): Promise<void> {
  const worker = async (id: number) => {
    for (let n = 0; Date.now() < until; n++) {
      const token = tokens[(id + n) % TENANTS];
      const write = n % 2 === 0;
      const sentAt = Date.now();
      const response = await fetch(`http://127.0.0.1:${HTTP_PORT}/api/tasks${write ? '' : '?limit=20'}`, {
        method: write ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(write && { body: JSON.stringify({ prompt: `chaos ${id}-${n}` }) }),
      }).then(
        async (answer) => ({ kind: `${write ? 'POST' : 'GET'} ${answer.status}`, body: (await answer.json()) as { id?: string } }),
        (error: Error & { cause?: { code?: string } }) => ({
          kind: `network error ${error.cause?.code ?? error.message}`,
          body: {} as { id?: string },
        }),
      );
      const createdId = response.kind === 'POST 201' ? response.body.id : undefined;
      responses.push({ sentAt, answeredAt: Date.now(), kind: response.kind, createdId });
      if (!response.kind.endsWith(' 200') && !response.kind.endsWith(' 201')) await sleep(100);
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, (_, id) => worker(id)));
}

async function restart(database: EmbeddedDatabase, signal: NodeJS.Signals, what: string): Promise<Outage> {
  const killed = database.pid();
  if (killed === undefined) throw new Error('PostgreSQL is not running');
  const killedAt = Date.now();
  process.kill(killed, signal);
  while (!(await accepts(database, killed))) await sleep(20);
  return { what, killedAt, backAt: Date.now() };
}

/** Whether a postmaster other than the one killed runs and accepts a connection. */
async function accepts(database: EmbeddedDatabase, killed: number): Promise<boolean> {
  const pid = database.pid();
  if (pid === undefined || pid === killed) return false;
  const client = new pg.Client({ connectionString: database.adminUrl, connectionTimeoutMillis: 500 });
  return client.connect().then(
    () => client.end().then(() => true),
    () => false,
  );
}

/** Per task of the list that exists: its task.create audit entries (by the audit's resource index). */
const AUDIT_ENTRIES_OF_TASKS = `
  select count(a.id)::int as entries from tasks t
  left join audit_entries a on a.tenant_id = t.tenant_id and a.resource_type = 'task' and a.resource_id = t.id::text and a.action = 'task.create'
  where t.id = any($1::uuid[]) group by t.id`;

/** Acknowledged tasks missing from the database, and those without exactly one task.create audit entry. */
async function verify(adminUrl: string, acknowledged: string[]): Promise<{ missing: number; misaudited: number }> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ entries: number }>(AUDIT_ENTRIES_OF_TASKS, [acknowledged]);
    return { missing: acknowledged.length - rows.length, misaudited: rows.filter((row) => row.entries !== 1).length };
  } finally {
    await client.end();
  }
}

function report(responses: Response[], outages: Outage[], lost: { missing: number; misaudited: number }, acknowledged: number): void {
  const byKind = new Map<string, number>();
  for (const { kind } of responses) byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
  console.log(`\nNode ${process.version}, ${cpus().length} × ${cpus()[0]?.model}; ${CONNECTIONS} connections, ${DURATION_MS / 1000} s\n`);
  console.log('| response | count |\n|---|---|');
  for (const [kind, count] of [...byKind].sort()) console.log(`| ${kind} | ${count} |`);
  console.log('\n| restart | database down ms | first failure → database back ms | database back → first success ms | failed responses |');
  console.log('|---|---|---|---|---|');
  for (const outage of outages) {
    const after = responses.filter((response) => response.sentAt >= outage.killedAt);
    const firstFailure = after.find((response) => !/ 20[01]$/.test(response.kind));
    const recovered = after.find((response) => response.sentAt >= outage.backAt && / 20[01]$/.test(response.kind));
    const failed = after.filter(
      (response) => !/ 20[01]$/.test(response.kind) && response.sentAt < (recovered?.answeredAt ?? Infinity),
    ).length;
    console.log(
      `| ${outage.what} | ${outage.backAt - outage.killedAt} | ${firstFailure ? outage.backAt - firstFailure.answeredAt : '-'} | ` +
        `${recovered ? recovered.answeredAt - outage.backAt : 'never'} | ${failed} |`,
    );
  }
  console.log(
    `\nAcknowledged writes: ${acknowledged}; missing afterwards: ${lost.missing}; without exactly one audit entry: ${lost.misaudited}`,
  );
}

async function main(): Promise<void> {
  await rm(DATA_DIR, { recursive: true, force: true });
  const database = await startEmbeddedDatabase({ dir: DATA_DIR, port: DATABASE_PORT, database: 'tessera' });
  try {
    await migrateToLatest(database.ownerUrl);
    // Every request failed during an outage logs a warning: keep the report readable.
    const server = await startBuiltServer(database.runtimeUrl, HTTP_PORT, { LOG_LEVEL: 'error' });
    try {
      const started = Date.now();
      const responses: Response[] = [];
      const load = drive(started + DURATION_MS, responses);
      const outages: Outage[] = [];
      for (const { at, signal, what } of RESTARTS) {
        await sleep(started + at * DURATION_MS - Date.now());
        outages.push(await restart(database, signal, what));
      }
      await load;
      const acknowledged = responses.flatMap((response) => (response.createdId ? [response.createdId] : []));
      const lost = await verify(database.adminUrl.replace(/\/postgres$/, '/tessera'), acknowledged);
      report(responses, outages, lost, acknowledged.length);
    } finally {
      await server.stop();
    }
  } finally {
    await database.stop();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

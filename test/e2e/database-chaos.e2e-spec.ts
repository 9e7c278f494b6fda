import { readdir, readFile, rm } from 'node:fs/promises';
import request from 'supertest';
import { EmbeddedDatabase, startEmbeddedDatabase } from '../../src/platform/database/embedded-database.js';
import { migrateToLatest } from '../../src/platform/database/migrations.js';
import { freePort } from '../support/free-port.js';
import { waitFor } from '../support/lock-waiters.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { withAdminClient } from '../support/test-database.js';
import { bearer, tokenFor } from '../support/tokens.js';

const alice = bearer(tokenFor({ tenant: 'chaos', sub: 'alice' }));
const WORKERS = 8;

interface Outcome {
  status: number;
  prompt: string;
  id?: string;
}

/**
 * PostgreSQL crashed and frozen under a steady write load, on a server of this test's own (the other
 * test files share theirs): only 201s and 503s, recovery within the bounds, and every acknowledged
 * task exists afterwards with exactly one audit entry.
 */
describe('database crash and freeze under load', () => {
  const dataDir = `.data/test-chaos-${process.pid}`;
  let embedded: EmbeddedDatabase;
  let testApp: TestApp;

  beforeAll(async () => {
    embedded = await startEmbeddedDatabase({ dir: dataDir, port: await freePort(), database: 'tessera' });
    await migrateToLatest(embedded.ownerUrl);
    testApp = await startTestApp(
      { RATE_LIMIT_PER_MINUTE: '1000000' },
      { name: 'tessera', ownerUrl: embedded.ownerUrl, runtimeUrl: embedded.runtimeUrl, drop: async () => undefined },
    );
  }, 60_000);
  afterAll(async () => {
    await testApp?.close();
    await embedded?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers 201 or 503, never anything else, recovers fast and loses no acknowledged write', async () => {
    const outcomes: Outcome[] = [];
    let loading = true;
    const load = Array.from({ length: WORKERS }, async (_, worker) => {
      for (let n = 0; loading; n++) {
        const prompt = `chaos ${worker}-${n}`;
        const response = await request(testApp.server).post('/api/tasks').set(alice).send({ prompt });
        outcomes.push({ status: response.status, prompt, id: response.body.id });
        if (response.status === 503) await sleep(50);
      }
    });

    try {
      await crashAndFreeze();
    } finally {
      loading = false;
      await Promise.all(load);
    }

    const statuses = new Set(outcomes.map((outcome) => outcome.status));
    expect([...statuses].sort()).toEqual([...statuses].filter((status) => status === 201 || status === 503).sort());
    const acknowledged = outcomes.filter((outcome) => outcome.status === 201).map((outcome) => outcome.id!);
    expect(acknowledged.length).toBeGreaterThan(WORKERS);
    expect(outcomes.some((outcome) => outcome.status === 503)).toBe(true);
    const audited = await withAdminClient(
      (client) =>
        client.query<{ id: string; entries: number }>(
          `select t.id, count(a.id)::int as entries from tasks t
           left join audit_entries a on a.tenant_id = t.tenant_id and a.resource_type = 'task' and a.resource_id = t.id::text and a.action = 'task.create'
           where t.id = any($1::uuid[]) group by t.id`,
          [acknowledged],
        ),
      'tessera',
      embedded.adminUrl,
    );
    expect(audited.rows.length).toBe(acknowledged.length);
    expect(audited.rows.filter((row) => row.entries !== 1)).toEqual([]);
  }, 60_000);

  /** PostgreSQL killed, then frozen; each time the server must answer fast and recover fast. */
  async function crashAndFreeze(): Promise<void> {
    await sleep(500);
    process.kill(postmasterPid(), 'SIGKILL');
    const crashRecovery = await timeUntilReady();
    expect(crashRecovery).toBeLessThan(5_000);

    await sleep(500);
    const frozen = await processTree(postmasterPid());
    for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    try {
      await waitFor(async () => (await request(testApp.server).get('/health/ready')).status === 503, 3_000);
      for (let attempt = 0; attempt < 3; attempt++) {
        const started = Date.now();
        const refused = await request(testApp.server).get('/api/tasks').set(alice);
        expect(refused.status).toBe(503);
        expect(Date.now() - started).toBeLessThan(1_000);
      }
    } finally {
      for (const pid of frozen) process.kill(pid, 'SIGCONT');
    }
    expect(await timeUntilReady()).toBeLessThan(2_000);
    await sleep(500);
  }

  function postmasterPid(): number {
    const pid = embedded.pid();
    if (pid === undefined) throw new Error('no postmaster running');
    return pid;
  }

  async function timeUntilReady(): Promise<number> {
    const started = Date.now();
    await waitFor(async () => (await request(testApp.server).get('/health/ready')).status === 200, 15_000);
    return Date.now() - started;
  }
});

/** A process and all its descendants (a postmaster and its backends), from /proc. */
async function processTree(root: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid) parents.set(Number(entry), ppid);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parents) if (ppid === tree[i]) tree.push(pid);
  }
  return tree;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

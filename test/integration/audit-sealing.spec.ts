import { randomUUID } from 'node:crypto';
import { SchedulerRegistry } from '@nestjs/schedule';
import pg from 'pg';
import { AuditEntryRepository } from '../../src/modules/audit/audit-entry.repository.js';
import { AuditSealingJob } from '../../src/modules/audit/audit-sealing.job.js';
import type { Principal } from '../../src/platform/auth/principal.js';
import { newPrincipal, startTestContext, type TestContext } from '../support/test-context.js';
import { withAdminClient, withOwnerClient } from '../support/test-database.js';

let t: TestContext;
let entries: AuditEntryRepository;

beforeAll(async () => {
  t = await startTestContext();
  entries = t.get(AuditEntryRepository);
  // These tests run the sealer themselves, at the moments they choose.
  t.get(SchedulerRegistry).deleteInterval('audit-sealing');
});

afterAll(async () => {
  await t?.close();
});

/** A connection as the runtime role, like the server's. */
async function runtimeClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: t.database.runtimeUrl });
  await client.connect();
  return client;
}

/** Opens a writer's transaction for the tenant and writes `rows` patterns in it (one audit entry each); returns their ids. */
async function writeInOpenTransaction(client: pg.Client, tenantId: string, rows = 1): Promise<string[]> {
  await client.query('begin');
  await client.query(`select set_config('app.tenant_id', $1, true)`, [tenantId]);
  const { rows: written } = await client.query<{ id: string }>(
    `insert into patterns (id, tenant_id, type, pattern, frequency, last_seen, created_at)
     select gen_random_uuid(), $1, 'sealing', jsonb_build_object('n', $2::text || n), 1, now(), now() from generate_series(1, $3::int) n
     returning id`,
    [tenantId, randomUUID(), rows],
  );
  return written.map((row) => row.id);
}

interface StoredEntry {
  resource_id: string;
  chain: number | null;
  chain_seq: string | null;
  hash: Buffer | null;
}

/** The tenant's entries as stored, in chain order (unsealed last), read as the schema owner. */
function storedEntries(tenantId: string): Promise<StoredEntry[]> {
  return withOwnerClient(t.database, async (owner) => {
    await owner.query(`select set_config('app.tenant_id', $1, false)`, [tenantId]);
    const { rows } = await owner.query<StoredEntry>(
      'select resource_id, chain, chain_seq, hash from audit_entries where tenant_id = $1 order by chain_seq nulls last',
      [tenantId],
    );
    return rows;
  });
}

const seal = (principal: Principal) => t.inTenant(principal, () => entries.sealPending(true));

/** Sealed into one chain, numbered 1…n without a gap, every hash and link recomputed intact. */
async function expectOneIntactChain(principal: Principal, resourceIds: string[]): Promise<void> {
  const stored = await storedEntries(principal.tenantId);
  expect(stored.map((entry) => entry.resource_id).sort()).toEqual([...resourceIds].sort());
  expect(stored.map((entry) => [entry.chain, Number(entry.chain_seq)])).toEqual(resourceIds.map((_, index) => [0, index + 1]));
  expect(await t.inTenant(principal, () => entries.checkChains({}))).toEqual({ checked: resourceIds.length, broken: null });
  expect(await t.inTenant(principal, () => entries.countUnsealed({}))).toBe(0);
}

describe('audit sealing', () => {
  it('writes entries unsealed, and seals each once into the chain when the sealer runs', async () => {
    const principal = newPrincipal();
    const writer = await runtimeClient();
    try {
      const ids = await writeInOpenTransaction(writer, principal.tenantId, 3);
      await writer.query('commit');
      expect((await storedEntries(principal.tenantId)).every((entry) => entry.hash === null && entry.chain === null)).toBe(true);
      expect(await seal(principal)).toBe(3);
      expect(await seal(principal)).toBe(0);
      await expectOneIntactChain(principal, ids);
    } finally {
      await writer.end();
    }
  });

  it('seals a late commit in a later run, after what committed before it, never skipping it', async () => {
    const principal = newPrincipal();
    const [early, late] = [await runtimeClient(), await runtimeClient()];
    try {
      // `late` starts first (the smaller transaction id) and commits after the sealer's snapshot.
      const lateIds = await writeInOpenTransaction(late, principal.tenantId);
      const earlyIds = await writeInOpenTransaction(early, principal.tenantId, 2);
      await early.query('commit');
      expect(await seal(principal)).toBe(2);
      await late.query('commit');
      expect(await t.inTenant(principal, () => entries.countUnsealed({}))).toBe(1);
      expect(await seal(principal)).toBe(1);
      const stored = await storedEntries(principal.tenantId);
      // Chain order is commit order across runs: the late commit comes after the early ones.
      expect(stored.at(-1)?.resource_id).toBe(lateIds[0]);
      await expectOneIntactChain(principal, [...earlyIds, ...lateIds]);
    } finally {
      await Promise.all([early.end(), late.end()]);
    }
  });

  it('verifies a time range whose entries the chain holds in commit order, not in the order they were written', async () => {
    const principal = newPrincipal();
    const [early, late, next] = [await runtimeClient(), await runtimeClient(), await runtimeClient()];
    try {
      // Written first, committed last: sealed after entries written after it.
      const lateIds = await writeInOpenTransaction(late, principal.tenantId);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const earlyIds = await writeInOpenTransaction(early, principal.tenantId, 2);
      await early.query('commit');
      await seal(principal);
      await late.query('commit');
      await seal(principal);
      const nextIds = await writeInOpenTransaction(next, principal.tenantId);
      await next.query('commit');
      await seal(principal);
      await expectOneIntactChain(principal, [...earlyIds, ...lateIds, ...nextIds]);

      // From the first early entry on: the late entry (written before) is outside the range, yet between
      // two of its entries in the chain; they still link through it.
      const from = await withOwnerClient(t.database, async (owner) => {
        await owner.query(`select set_config('app.tenant_id', $1, false)`, [principal.tenantId]);
        const { rows } = await owner.query<{ from: Date }>(
          'select min(created_at) as from from audit_entries where resource_id = any($1)',
          [earlyIds],
        );
        return rows[0]!.from;
      });
      expect(await t.inTenant(principal, () => entries.checkChains({ from }))).toEqual({ checked: 3, broken: null });
    } finally {
      await Promise.all([early.end(), late.end(), next.end()]);
    }
  });

  it('loses nothing when a sealer is killed midway: the next run seals every entry exactly once', async () => {
    const principal = newPrincipal();
    const writer = await runtimeClient();
    const sealer = await runtimeClient();
    // Its connection is terminated on purpose; the run's own rejection is what the test checks.
    sealer.on('error', () => undefined);
    const { rows: pid } = await sealer.query<{ pid: number }>('select pg_backend_pid() as pid');
    try {
      const ids = await writeInOpenTransaction(writer, principal.tenantId, 20);
      await writer.query('commit');
      await withOwnerClient(t.database, async (owner) => {
        // Hold one entry in the middle of the run, so the sealer stops there with half the run done.
        await owner.query('begin');
        await owner.query(`select set_config('app.tenant_id', $1, true)`, [principal.tenantId]);
        await owner.query(
          'select id from audit_entries where tenant_id = $1 and hash is null order by xid, created_at, id offset 10 limit 1 for update',
          [principal.tenantId],
        );
        await sealer.query('begin');
        await sealer.query(`select set_config('app.tenant_id', $1, true)`, [principal.tenantId]);
        const run = sealer.query('select audit_seal_pending()').catch((error: Error) => error);
        await waitForLockWait(pid[0].pid);
        await withAdminClient((admin) => admin.query('select pg_terminate_backend($1)', [pid[0].pid]), t.database.name);
        expect(await run).toBeInstanceOf(Error);
        await owner.query('rollback');
      });
      expect((await storedEntries(principal.tenantId)).every((entry) => entry.hash === null)).toBe(true);
      expect(await seal(principal)).toBe(20);
      await expectOneIntactChain(principal, ids);
    } finally {
      await writer.end();
      await sealer.end().catch(() => undefined);
    }
  });

  it('seals every committed entry exactly once under concurrent writers of several tenants and interleaved sealing runs', async () => {
    const tenants = [newPrincipal(), newPrincipal(), newPrincipal()];
    const committed = new Map<string, string[]>(tenants.map((principal) => [principal.tenantId, []]));
    const aborted: string[] = [];
    const writers = await Promise.all(Array.from({ length: 8 }, runtimeClient));
    let writing = true;
    let sealedByRuns = 0;
    const job = t.get(AuditSealingJob);
    const sealing = (async () => {
      while (writing) {
        sealedByRuns += await job.run();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    try {
      await Promise.all(
        writers.map(async (writer, index) => {
          for (let round = 0; round < 15; round++) {
            const principal = tenants[(index + round) % tenants.length];
            const ids = await writeInOpenTransaction(writer, principal.tenantId, 1 + (round % 3));
            if ((index + round) % 4 === 0) {
              await writer.query('rollback');
              aborted.push(...ids);
            } else {
              await writer.query('commit');
              committed.get(principal.tenantId)!.push(...ids);
            }
          }
        }),
      );
    } finally {
      writing = false;
      await sealing;
      await Promise.all(writers.map((writer) => writer.end()));
    }
    sealedByRuns += await job.run();
    const total = [...committed.values()].reduce((sum, ids) => sum + ids.length, 0);
    expect(aborted.length).toBeGreaterThan(0);
    // Every run's count adds up to the committed entries: none sealed twice, none left.
    expect(sealedByRuns).toBe(total);
    for (const principal of tenants) {
      await expectOneIntactChain(principal, committed.get(principal.tenantId)!);
    }
  });

  it('lets the runtime role link an entry only as the sealer would, and change nothing else', async () => {
    const principal = newPrincipal();
    const writer = await runtimeClient();
    try {
      const [id] = await writeInOpenTransaction(writer, principal.tenantId);
      await writer.query('commit');
      await writer.query('begin');
      await writer.query(`select set_config('app.tenant_id', $1, true)`, [principal.tenantId]);
      await expect(writer.query(`update audit_entries set chain = 0, chain_seq = 2 where resource_id = $1`, [id])).rejects.toThrow(
        /would not continue chain/,
      );
      await writer.query('rollback');
      await writer.query('begin');
      await writer.query(`select set_config('app.tenant_id', $1, true)`, [principal.tenantId]);
      await expect(
        writer.query(`update audit_entries set chain = 0, chain_seq = 1, prev_hash = '\\x00' where resource_id = $1`, [id]),
      ).rejects.toThrow(/would not link/);
      await writer.query('rollback');
      await expect(writer.query(`update audit_entries set action = 'forged'`)).rejects.toThrow(/permission denied/);
      await seal(principal);
      await writer.query('begin');
      await writer.query(`select set_config('app.tenant_id', $1, true)`, [principal.tenantId]);
      await expect(writer.query(`update audit_entries set chain_seq = 1 where resource_id = $1`, [id])).rejects.toThrow(/append-only/);
      await writer.query('rollback');
      await expectOneIntactChain(principal, [id]);
    } finally {
      await writer.end();
    }
  });
});

/** Until the backend waits for a lock (the sealer reached the held entry). */
async function waitForLockWait(pid: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const waiting = await withAdminClient(
      (admin) => admin.query(`select 1 from pg_stat_activity where pid = $1 and wait_event_type = 'Lock'`, [pid]),
      t.database.name,
    );
    if (waiting.rowCount) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the sealer never reached the held entry');
}

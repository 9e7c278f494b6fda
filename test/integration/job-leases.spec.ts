import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../src/app.module.js';
import { parseEnvironment } from '../../src/config/environment.js';
import { AuditRetentionJob } from '../../src/modules/audit/audit-retention.job.js';
import { TasksService } from '../../src/modules/tasks/tasks.service.js';
import { ClusterJobs } from '../../src/platform/jobs/cluster-jobs.js';
import type { ClusterJob, JobOutcome } from '../../src/platform/jobs/job-outcome.js';
import { TenantScope } from '../../src/platform/tenancy/tenant-scope.js';
import { newPrincipal } from '../support/test-context.js';
import { createTestDatabase, type TestDatabase, withAdminClient } from '../support/test-database.js';

/**
 * Scheduled jobs across instances: two application contexts (two "instances") on one database fire
 * the same jobs; the leases in job_leases decide which one runs them.
 */
const LEASE_MS = 1500;
const DAY_MS = 86_400_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition(); await sleep(25)) {
    if (Date.now() > deadline) throw new Error(`Not met within ${timeoutMs} ms`);
  }
}

/** Just after the next period starts, so that calls made now fall in one period. */
const nextPeriod = (periodMs: number) => sleep(periodMs - (Date.now() % periodMs) + 100);

function startInstance(database: TestDatabase): Promise<INestApplicationContext> {
  const environment = parseEnvironment({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DB_MIGRATE_ON_START: 'false',
    JOB_LEASE_MS: String(LEASE_MS),
    AUDIT_RETENTION_DAYS: '30',
  });
  return NestFactory.createApplicationContext(AppModule.forRoot(environment, database.runtimeUrl, database.ownerUrl), { logger: false });
}

let database: TestDatabase;
let one: INestApplicationContext;
let two: INestApplicationContext;
const jobsOf = (instance: INestApplicationContext) => instance.get(ClusterJobs, { strict: false });

beforeAll(async () => {
  database = await createTestDatabase();
  [one, two] = await Promise.all([startInstance(database), startInstance(database)]);
});

afterAll(async () => {
  await Promise.all([one?.close(), two?.close()]);
  await database?.drop();
});

const leaseOf = (job: string) =>
  withAdminClient(
    async (admin) => (await admin.query('select holder, finished_at from job_leases where job = $1', [job])).rows[0],
    database.name,
  );

it('runs a job on one instance per period when both fire it, and again in the next period', async () => {
  const job: ClusterJob = { name: 'every-five-seconds', periodMs: 5000 };
  const runs: string[] = [];
  const fireBoth = () =>
    Promise.all(
      [one, two].map((instance, index) =>
        jobsOf(instance).runOncePerPeriod(job, async () => {
          runs.push(`instance ${index}`);
          await sleep(100);
        }),
      ),
    );

  await nextPeriod(job.periodMs);
  const first = await fireBoth();
  expect(runs).toHaveLength(1);
  expect(first.map((outcome) => outcome.status).sort()).toEqual(['ran', 'skipped']);
  expect(await fireBoth()).toEqual([
    expect.objectContaining({ status: 'skipped', reason: 'done-this-period' }),
    expect.objectContaining({ status: 'skipped', reason: 'done-this-period' }),
  ]);
  expect(runs).toHaveLength(1);

  await nextPeriod(job.periodMs);
  const next = await fireBoth();
  expect(runs).toHaveLength(2);
  expect(next.map((outcome) => outcome.status).sort()).toEqual(['ran', 'skipped']);
  expect(next[0].period.getTime() - first[0].period.getTime()).toBe(job.periodMs);
});

it('takes over the run of a holder that died, once its lease lapsed and not before', async () => {
  const job: ClusterJob = { name: 'holder-dies', periodMs: DAY_MS };
  const doomed = await startInstance(database);
  let claimed!: () => void;
  const holding = new Promise<void>((resolve) => {
    claimed = resolve;
  });
  void jobsOf(doomed).runOncePerPeriod(job, () => {
    claimed();
    return new Promise(() => undefined);
  });
  await holding;
  const deadHolder = jobsOf(doomed).holder;
  // Closed mid-run, like a killed process: its lease is neither renewed nor released.
  await doomed.close();
  const diedAt = Date.now();

  const outcomes: JobOutcome[] = [];
  const unsubscribe = jobsOf(two).onJobOutcome((outcome) => outcome.job === job.name && outcomes.push(outcome));
  let tookOverAt: number | undefined;
  const attempt = await jobsOf(two).runOncePerPeriod(job, async () => {
    tookOverAt = Date.now();
  });
  expect(attempt).toMatchObject({ status: 'skipped', reason: 'held-elsewhere' });
  expect((await leaseOf(job.name)).holder).toBe(deadHolder);

  await until(() => outcomes.at(-1)?.status === 'ran', 3 * LEASE_MS);
  unsubscribe();
  // The lease ran until at least its last renewal (a third of a lease before the death) plus a lease.
  expect(tookOverAt! - diedAt).toBeGreaterThanOrEqual(LEASE_MS / 2);
  expect(outcomes.at(-1)).toMatchObject({ status: 'ran' });
  expect(outcomes.slice(0, -1).every((outcome) => outcome.status === 'skipped' && outcome.reason === 'held-elsewhere')).toBe(true);
  expect(await leaseOf(job.name)).toEqual({ holder: jobsOf(two).holder, finished_at: expect.any(Date) });
});

it('does not take over a long run whose holder renews its lease', async () => {
  const job: ClusterJob = { name: 'long-run', periodMs: DAY_MS };
  let started = false;
  let finish!: () => void;
  const longRun = jobsOf(one).runOncePerPeriod(job, () => {
    started = true;
    return new Promise<void>((resolve) => {
      finish = resolve;
    });
  });
  await until(() => started, LEASE_MS);

  const outcomes: JobOutcome[] = [];
  const unsubscribe = jobsOf(two).onJobOutcome((outcome) => outcome.job === job.name && outcomes.push(outcome));
  let secondRuns = 0;
  for (let attempt = 0; attempt < 3; attempt++) {
    await jobsOf(two).runOncePerPeriod(job, async () => {
      secondRuns++;
    });
    await sleep(LEASE_MS);
  }
  // Three leases long: without renewals, the lease would have lapsed twice over.
  const duringRun = [...outcomes];
  finish();
  expect(await longRun).toMatchObject({ status: 'ran' });
  expect(duringRun.length).toBeGreaterThan(3);
  expect(duringRun.every((outcome) => outcome.status === 'skipped' && outcome.reason === 'held-elsewhere')).toBe(true);

  // Its pending look at the lease now finds the period done.
  await until(() => outcomes.some((outcome) => outcome.status === 'skipped' && outcome.reason === 'done-this-period'), 2 * LEASE_MS);
  unsubscribe();
  expect(secondRuns).toBe(0);
});

it('leaves one audit retention checkpoint when two instances run the hourly retention together', async () => {
  const principal = newPrincipal();
  await one.get(TenantScope).run(principal, async () => {
    for (let index = 0; index < 3; index++) await one.get(TasksService, { strict: false }).create({ prompt: `old ${index}` });
  });
  const audit = (statement: string) =>
    withAdminClient(async (superuser) => {
      await superuser.query('set session_replication_role = replica');
      return (await superuser.query(statement, [principal.tenantId])).rows;
    }, database.name);
  await audit(`update audit_entries set created_at = created_at - interval '100 days' where tenant_id = $1`);

  const outcomes = await Promise.all([one, two].map((instance) => instance.get(AuditRetentionJob, { strict: false }).runOncePerHour()));

  expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['ran', 'skipped']);
  const entries = await audit('select action from audit_entries where tenant_id = $1');
  expect(entries).toEqual([{ action: 'audit.retention' }]);
});

import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { bearer, tokenFor } from '../support/tokens.js';
import {
  type DeployDatabase,
  driveTenantLoad,
  LoadBalancer,
  type PgBouncer,
  startDeployDatabase,
  startPgBouncer,
  startTessera,
  type TesseraInstance,
} from './support/index.js';

/** Server connections behind the bouncer, fewer than the two instances' pools hold: transactions share them. */
const SERVER_CONNECTIONS = 6;
/** Well above the balancer's time to take an instance out (3 failed probes, 100 ms apart), even on a busy machine. */
const READINESS_DELAY_MS = 3_000;

/**
 * Two Tessera instances behind one PgBouncer in pool_mode=transaction, on a PostgreSQL of their own:
 * tenant isolation holds while unrelated tenants' transactions take turns on the same server
 * connections, the per-transaction timeouts hold, and one instance restarts under load unnoticed.
 */
describe('Tessera behind PgBouncer in transaction mode', () => {
  let database: DeployDatabase;
  let bouncer: PgBouncer;
  const instances: TesseraInstance[] = [];
  let balancer: LoadBalancer;

  const startInstance = (env: Record<string, string> = {}) =>
    startTessera({
      env: {
        DATABASE_URL: bouncer.runtimeUrl,
        // Maintenance and migrations go direct: see docs/deployment.md.
        DATABASE_OWNER_URL: database.ownerUrl,
        DB_POOL_MAX: '10',
        // Rate limits are per instance and not what this file tests.
        RATE_LIMIT_PER_MINUTE: '1000000',
        SHUTDOWN_READINESS_DELAY_MS: String(READINESS_DELAY_MS),
        ...env,
      },
    }).then((instance) => {
      instances.push(instance);
      return instance;
    });

  beforeAll(async () => {
    database = await startDeployDatabase();
    bouncer = await startPgBouncer(database, { defaultPoolSize: SERVER_CONNECTIONS });
    balancer = new LoadBalancer();
    for (const instance of await Promise.all([startInstance(), startInstance()])) balancer.add(instance);
  });
  afterAll(async () => {
    balancer?.close();
    await Promise.all(instances.map((instance) => instance.kill()));
    await bouncer?.stop();
    await database?.stop();
  });

  /** The instances' stderr when an expectation fails, since the servers run in other processes. */
  const withServerLogs = async (work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      const logs = instances.map((instance) => `--- ${instance.origin}\n${instance.stderr().slice(-3_000)}`).join('\n');
      throw new Error(`${(error as Error).message}\n\nServer stderr:\n${logs}\n--- PgBouncer\n${bouncer.log().slice(-3_000)}`);
    }
  };

  it('serves 20 tenants interleaved over shared server connections: every list item is the caller’s, no request fails', () =>
    withServerLogs(async () => {
      await Promise.all(instances.map((instance) => balancer.untilReady(instance)));
      const outcome = await driveTenantLoad(balancer, { tenants: 20, workersPerTenant: 2, stop: sleep(10_000) });

      expect(outcome.failures).toEqual([]);
      expect(outcome.foreignItems).toEqual([]);
      expect(outcome.requests).toBeGreaterThan(200);
      expect(outcome.listItemsChecked).toBeGreaterThan(outcome.requests);
      expect([...outcome.answeredBy.values()].every((answered) => answered > outcome.requests / 4)).toBe(true);
      // 20 pooled client connections, at most SERVER_CONNECTIONS server connections: they really were shared.
      expect(await runtimeBackends()).toBeLessThanOrEqual(SERVER_CONNECTIONS);
    }));

  it('keeps the statement and lock timeouts through the bouncer, answered as on a direct connection', () =>
    withServerLogs(async () => {
      const timeouts = { DB_STATEMENT_TIMEOUT_MS: '3000', DB_LOCK_TIMEOUT_MS: '1000', DB_EXPENSIVE_STATEMENT_TIMEOUT_MS: '500' };
      const [pooled, direct] = await Promise.all([
        startInstance(timeouts),
        startInstance({ ...timeouts, DATABASE_URL: database.runtimeUrl }),
      ]);
      const auth = bearer(tokenFor({ tenant: 'timeouts', sub: 'alice' }));
      const lesson = await fetch(`${direct.origin}/api/lessons`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ category: 'c', title: 'Locked out', summary: 's' }),
      }).then((response) => response.json() as Promise<{ id: string }>);

      const owner = new pg.Client({ connectionString: database.ownerUrl });
      await owner.connect();
      try {
        await owner.query('begin');
        await owner.query('lock table lessons in access exclusive mode');
        // A plain read waits for the lock until lock_timeout (BUSY; without it, the statement timeout would
        // answer STATEMENT_TIMEOUT after 3 s); a ranked search, an expensive read, is cut by its own
        // statement_timeout before lock_timeout (without either: the client's query timeout, after 4 s).
        for (const [path, expected, timeoutMs] of [
          [`/api/lessons/${lesson.id}`, 'BUSY', 1_000],
          ['/api/lessons?q=locked', 'STATEMENT_TIMEOUT', 500],
        ] as const) {
          const answers = await Promise.all([pooled, direct].map((instance) => timedGet(`${instance.origin}${path}`, auth)));
          for (const answer of answers) {
            expect({ path, status: answer.status, code: answer.code }).toEqual({ path, status: 503, code: expected });
            expect(answer.ms).toBeGreaterThanOrEqual(timeoutMs - 50);
            expect(answer.ms).toBeLessThan(3_000);
          }
        }
      } finally {
        await owner.query('rollback');
        await owner.end();
      }
      await Promise.all([pooled.stop(), direct.stop()]);
    }));

  it('restarts one instance under load with no failed request: readiness fails first, in-flight requests drain', () =>
    withServerLogs(async () => {
      const [leaving, staying] = instances;
      await Promise.all([leaving, staying].map((instance) => balancer.untilReady(instance)));
      const endLoad = Promise.withResolvers<void>();
      const load = driveTenantLoad(balancer, { tenants: 20, workersPerTenant: 2, stop: endLoad.promise });
      await sleep(2_000);

      const exitCode = leaving.stop();
      const replacement = await startInstance();
      balancer.add(replacement);
      expect(await exitCode).toBe(0);
      const leavingTransitions = balancer.readinessTransitions(leaving);
      balancer.remove(leaving);
      await balancer.untilReady(replacement);
      await sleep(2_000);
      endLoad.resolve();
      const outcome = await load;

      expect(outcome.failures).toEqual([]);
      expect(outcome.foreignItems).toEqual([]);
      // Not ready while still listening, and only then refused: the balancer saw a 503 before the listener closed.
      const notServing = leavingTransitions.filter((outcome) => outcome !== 200 && outcome !== 'TimeoutError');
      expect(notServing[0]).toBe(503);
      expect(outcome.answeredBy.get(leaving.origin)).toBeGreaterThan(0);
      expect(outcome.answeredBy.get(replacement.origin)).toBeGreaterThan(0);
    }));

  it('leaves no session state on any server connection: settings, prepared statements, temp tables, locks, listeners', async () => {
    // As many transactions at once as the bouncer has server connections: each one holds a different connection.
    const clients = Array.from({ length: SERVER_CONNECTIONS }, () => new pg.Client({ connectionString: bouncer.runtimeUrl }));
    await Promise.all(clients.map((client) => client.connect()));
    try {
      await Promise.all(clients.map((client) => client.query('begin')));
      const states = await Promise.all(
        clients.map(async (client) => {
          const { rows } = await client.query(`
            select pg_backend_pid() as backend,
              coalesce(current_setting('app.tenant_id', true), '') as tenant,
              coalesce(current_setting('app.actor_id', true), '') as actor,
              current_setting('statement_timeout') as statement_timeout,
              current_setting('lock_timeout') as lock_timeout,
              current_setting('idle_in_transaction_session_timeout') as idle_timeout,
              (select count(*)::int from pg_prepared_statements) as prepared,
              (select count(*)::int from pg_class where relnamespace = pg_my_temp_schema()) as temp_relations,
              (select count(*)::int from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()) as advisory_locks,
              (select count(*)::int from pg_listening_channels()) as channels`);
          return rows[0];
        }),
      );
      await Promise.all(clients.map((client) => client.query('commit')));
      expect(new Set(states.map((state) => state.backend)).size).toBe(SERVER_CONNECTIONS);
      for (const { backend: _backend, ...state } of states) {
        expect(state).toEqual({
          tenant: '',
          actor: '',
          statement_timeout: '0',
          lock_timeout: '0',
          idle_timeout: '0',
          prepared: 0,
          temp_relations: 0,
          advisory_locks: 0,
          channels: 0,
        });
      }
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
  });

  /** Server connections of the runtime role (PgBouncer's, and the instances' readiness probes' through it). */
  async function runtimeBackends(): Promise<number> {
    const admin = new pg.Client({ connectionString: database.adminUrl });
    await admin.connect();
    try {
      const { rows } = await admin.query("select count(*)::int as count from pg_stat_activity where usename = 'tessera_app'");
      return rows[0].count;
    } finally {
      await admin.end();
    }
  }
});

async function timedGet(url: string, headers: Record<string, string>): Promise<{ status: number; code?: string; ms: number }> {
  const started = Date.now();
  const response = await fetch(url, { headers });
  const body = (await response.json()) as { code?: string };
  return { status: response.status, code: body.code, ms: Date.now() - started };
}

import { MikroORM, PostgreSqlConnection } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import pg from 'pg';
import type { Environment } from '../../config/environment.js';
import { PlatformProblems } from '../errors/platform-problems.js';
import { ProblemException } from '../errors/problem.exception.js';
import { type ConnectionSettings, databaseTls, explainConnectionFailure } from './orm-options.js';

export const RUNTIME_DATABASE_URL = Symbol('RuntimeDatabaseUrl');

/** How often the database is probed, and how long a probe may take before the database counts as down. */
const PROBE_INTERVAL_MS = 500;
const PROBE_TIMEOUT_MS = 800;
/** node-postgres's words for a connection attempt or a query given up by the client (not refused). */
const GAVE_UP = /timeout expired|Query read timeout/i;
/** PostgreSQL's transaction status of a connection outside any transaction. */
const IDLE = 'I';

export class DatabaseUnavailableException extends ProblemException {
  constructor(reason: string) {
    // Like every 503, answered with Retry-After by the exception filter.
    super(PlatformProblems.types['database-unavailable'], `The database is unavailable (${reason}); retry the request later.`);
  }
}

/**
 * Knows whether the database can serve, from a probe on a connection of its own (outside the pool, so
 * a saturated pool cannot hide a healthy database, nor a healthy pool a dead one):
 * - while the probe fails, units of work are refused at once with a 503 instead of each waiting for
 *   its own timeout on a frozen or unreachable server; a refused request first re-probes (shared by
 *   all requests in flight, at most PROBE_TIMEOUT_MS), so service resumes the moment the database does;
 * - a probe that is merely slow does not count as down while units of work keep finishing: behind a
 *   pooler (PgBouncer in transaction mode) the probe queues for a server connection with everyone
 *   else, and a busy queue is not an outage (refusing all work then would turn load into 503s);
 * - the pool is *wedged* when every connection has been checked out, none has come back for far
 *   longer than any unit of work may last, and yet the probe answers: only a restart helps then, and
 *   liveness says so.
 */
@Injectable()
export class DatabaseAvailability implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseAvailability.name);
  private readonly poolMax: number;
  private readonly wedgedAfterMs: number;
  private readonly tls: Pick<ConnectionSettings, 'DB_SSL' | 'DB_SSL_CA'>;
  private pool?: pg.Pool;
  private probeClient?: pg.Client;
  private probing?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private failure?: string;
  private lastReleaseAt = Date.now();
  /** When a pooled connection last came back having finished its transaction: the server answered. */
  private lastFinishedAt = 0;

  constructor(
    @Inject(RUNTIME_DATABASE_URL) private readonly url: string,
    private readonly orm: MikroORM,
    config: ConfigService<Environment, true>,
  ) {
    this.poolMax = config.get('DB_POOL_MAX', { infer: true });
    // A unit of work ends within its statement timeout, or twice that when its ROLLBACK must wait too.
    this.wedgedAfterMs = 4 * config.get('DB_STATEMENT_TIMEOUT_MS', { infer: true }) + 10_000;
    this.tls = { DB_SSL: config.get('DB_SSL', { infer: true }), DB_SSL_CA: config.get('DB_SSL_CA', { infer: true }) };
  }

  async onApplicationBootstrap(): Promise<void> {
    this.pool = await (this.orm.em.getConnection() as PostgreSqlConnection).getNativeClient();
    this.pool.on('release', (error, client) => {
      this.lastReleaseAt = Date.now();
      if (!error && client.getTransactionStatus() === IDLE) this.lastFinishedAt = this.lastReleaseAt;
    });
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.probing;
    this.discardProbeClient();
  }

  /** Why the database cannot serve, or undefined when it can. */
  get unavailableReason(): string | undefined {
    return this.failure;
  }

  /** Why the pool is wedged (connections checked out and never returned), or undefined. */
  get wedgedReason(): string | undefined {
    const pool = this.pool;
    if (!pool || this.failure || pool.totalCount < this.poolMax || pool.idleCount > 0) {
      return undefined;
    }
    const sinceRelease = Date.now() - this.lastReleaseAt;
    return sinceRelease > this.wedgedAfterMs
      ? `all ${pool.totalCount} pooled connections checked out and none returned for ${Math.round(sinceRelease / 1000)} s while the database answers`
      : undefined;
  }

  /** Throws a 503 when the database cannot serve, after one fresh probe. */
  async assertAvailable(): Promise<void> {
    if (this.failure === undefined) {
      return;
    }
    await this.refresh();
    if (this.failure !== undefined) {
      throw new DatabaseUnavailableException(this.failure);
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.refresh().finally(() => this.schedule()), PROBE_INTERVAL_MS);
    this.timer.unref();
  }

  /**
   * Probes now, for callers that must not rely on a result 0.5 s old. One probe at a time: callers
   * arriving meanwhile share its outcome.
   */
  refresh(): Promise<void> {
    this.probing ??= this.runProbe().finally(() => {
      this.probing = undefined;
    });
    return this.probing;
  }

  private async runProbe(): Promise<void> {
    const startedAt = Date.now();
    try {
      this.probeClient ??= await this.connectProbeClient();
      await this.probeClient.query('select 1');
      this.markReachable();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.discardProbeClient();
      if (GAVE_UP.test(reason) && this.lastFinishedAt >= startedAt) {
        // Slow, yet transactions finished meanwhile: the server answers, the probe only queued.
        this.markReachable();
        return;
      }
      if (this.failure === undefined) {
        // The log may name settings (DB_SSL); the 503's detail keeps to the driver's words.
        const explained = explainConnectionFailure(error, this.tls);
        this.logger.warn(`Database unreachable: ${explained instanceof Error ? explained.message : reason}`);
      }
      this.failure = reason;
    }
  }

  private markReachable(): void {
    if (this.failure !== undefined) {
      this.logger.log('Database reachable again');
    }
    this.failure = undefined;
  }

  private async connectProbeClient(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.url,
      // The same TLS as the pool (the probe is one long-lived connection: no idle timeout applies).
      ssl: databaseTls(this.tls, this.url),
      connectionTimeoutMillis: PROBE_TIMEOUT_MS,
      query_timeout: PROBE_TIMEOUT_MS,
      keepAlive: true,
      application_name: 'tessera-probe',
    });
    // A dropped connection is reported by the next probe; without a listener it would crash the process.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      client.connection.stream.destroy();
      throw error;
    }
    return client;
  }

  /** A probe connection that failed may be stuck behind an unanswered query: close its socket outright. */
  private discardProbeClient(): void {
    this.probeClient?.connection.stream.destroy();
    this.probeClient = undefined;
  }
}

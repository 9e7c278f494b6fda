import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import pg from 'pg';
import type { Environment } from '../../config/environment.js';
import { type ConnectionSettings, databaseTls, explainConnectionFailure } from './orm-options.js';

export const OWNER_DATABASE_URL = Symbol('OwnerDatabaseUrl');

/**
 * Admin tooling only: a connection as the schema owner, for scheduled maintenance that the runtime
 * role is deliberately not allowed to do (e.g. deleting audit entries past their retention). Row-level
 * security still applies to the owner (every tenant table forces it): work names its tenant.
 */
@Injectable()
export class MaintenanceDatabase implements OnApplicationShutdown {
  private readonly logger = new Logger(MaintenanceDatabase.name);
  private pool?: pg.Pool;
  private readonly connection: ConnectionSettings;

  constructor(
    @Inject(OWNER_DATABASE_URL) private readonly ownerUrl: string | undefined,
    config: ConfigService<Environment, true>,
  ) {
    this.connection = {
      DB_SSL: config.get('DB_SSL', { infer: true }),
      DB_SSL_CA: config.get('DB_SSL_CA', { infer: true }),
      DB_IDLE_TIMEOUT_MS: config.get('DB_IDLE_TIMEOUT_MS', { infer: true }),
    };
  }

  get available(): boolean {
    return Boolean(this.ownerUrl);
  }

  /** One transaction as the owner; `settings` are set transaction-locally first (e.g. the tenant). */
  async transaction<T>(settings: Record<string, string>, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    if (!this.ownerUrl) {
      throw new Error('Maintenance needs the schema owner: set DATABASE_OWNER_URL');
    }
    this.pool ??= this.openPool(this.ownerUrl);
    const client = await this.pool.connect().catch((error: unknown) => {
      throw explainConnectionFailure(error, this.connection);
    });
    // A connection whose ROLLBACK failed is in an unknown state: released with the error, the pool drops it.
    let unusable: Error | undefined;
    try {
      await client.query('begin');
      for (const [name, value] of Object.entries(settings)) {
        await client.query('select set_config($1, $2, true)', [name, value]);
      }
      const result = await work(client);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch((rollbackError: Error) => {
        unusable = rollbackError;
      });
      throw error;
    } finally {
      client.release(unusable);
    }
  }

  private openPool(url: string): pg.Pool {
    const pool = new pg.Pool({
      connectionString: url,
      max: 1,
      ssl: databaseTls(this.connection, url),
      idleTimeoutMillis: this.connection.DB_IDLE_TIMEOUT_MS,
    });
    // An idle connection that dies emits here; without a listener it would crash the process.
    pool.on('error', (error) => this.logger.warn({ err: error }, 'Maintenance connection lost'));
    return pool;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool?.end();
  }
}

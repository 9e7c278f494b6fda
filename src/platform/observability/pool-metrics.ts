import { MikroORM, PostgreSqlConnection } from '@mikro-orm/postgresql';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type pg from 'pg';
import { Gauge } from 'prom-client';
import type { Environment } from '../../config/environment.js';
import { MetricsRegistry } from './metrics-registry.js';

/** The runtime pool's connections, read at scrape time: saturation is in_use near max with waiting above 0. */
@Injectable()
export class PoolMetrics implements OnApplicationBootstrap {
  private pool?: pg.Pool;

  constructor(
    private readonly orm: MikroORM,
    registry: MetricsRegistry,
    config: ConfigService<Environment, true>,
  ) {
    const metrics = this;
    new Gauge({
      name: 'db_pool_connections',
      help: 'Connections of the database pool: in_use (checked out), idle, and waiting (requests queued for one).',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const pool = metrics.pool;
        if (!pool) return;
        this.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
    new Gauge({
      name: 'db_pool_max_connections',
      help: 'The most connections the database pool opens (DB_POOL_MAX).',
      registers: [registry],
    }).set(config.get('DB_POOL_MAX', { infer: true }));
  }

  async onApplicationBootstrap(): Promise<void> {
    this.pool = await (this.orm.em.getConnection() as PostgreSqlConnection).getNativeClient();
  }
}

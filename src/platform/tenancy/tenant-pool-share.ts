import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../../config/environment.js';
import { ProblemException } from '../errors/problem.exception.js';

interface Waiter {
  admit(): void;
  timer: NodeJS.Timeout;
}

interface TenantSlots {
  running: number;
  waiting: Waiter[];
}

/**
 * Requests over the share queue up to this many times the share, then are refused at once: a bound on
 * the memory waiting requests hold, generous enough for a burst of short requests to be served.
 */
const QUEUE_LENGTH_PER_SLOT = 20;

/**
 * Caps how many units of work of one tenant hold a pooled connection at once (DB_TENANT_POOL_SHARE
 * of DB_POOL_MAX), so that a tenant saturating its most expensive routes leaves the rest of the pool
 * to the others. Work over the share waits, first come first served, for DB_TENANT_QUEUE_TIMEOUT_MS
 * in a bounded queue; then the request gets a 429 with Retry-After. A unit of work nested in one that
 * already holds the tenant's slot (an in-process call inside a request) does not queue behind its
 * own caller. Per process: each instance has its own pool, so each shares its own.
 */
@Injectable()
export class TenantPoolShare {
  readonly limit: number;
  private readonly queueTimeoutMs: number;
  private readonly tenants = new Map<string, TenantSlots>();
  private readonly holder = new AsyncLocalStorage<string>();

  constructor(config: ConfigService<Environment, true>) {
    const poolMax = config.get('DB_POOL_MAX', { infer: true });
    this.limit = Math.max(1, Math.floor(poolMax * config.get('DB_TENANT_POOL_SHARE', { infer: true })));
    this.queueTimeoutMs = config.get('DB_TENANT_QUEUE_TIMEOUT_MS', { infer: true });
  }

  async run<T>(tenantId: string, work: () => Promise<T>): Promise<T> {
    if (this.holder.getStore() === tenantId) {
      return work();
    }
    await this.acquire(tenantId);
    try {
      return await this.holder.run(tenantId, work);
    } finally {
      this.release(tenantId);
    }
  }

  private acquire(tenantId: string): Promise<void> {
    const slots = this.tenants.get(tenantId) ?? { running: 0, waiting: [] };
    this.tenants.set(tenantId, slots);
    if (slots.running < this.limit) {
      slots.running++;
      return Promise.resolve();
    }
    if (slots.waiting.length >= this.limit * QUEUE_LENGTH_PER_SLOT) {
      return Promise.reject(this.refusal());
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        admit: resolve,
        timer: setTimeout(() => {
          slots.waiting.splice(slots.waiting.indexOf(waiter), 1);
          reject(this.refusal());
        }, this.queueTimeoutMs),
      };
      slots.waiting.push(waiter);
    });
  }

  /** Hands the slot to the next waiter, or frees it (and forgets an idle tenant: the map stays small). */
  private release(tenantId: string): void {
    const slots = this.tenants.get(tenantId);
    if (!slots) return;
    const next = slots.waiting.shift();
    if (next) {
      clearTimeout(next.timer);
      next.admit();
      return;
    }
    slots.running--;
    if (slots.running === 0) this.tenants.delete(tenantId);
  }

  private refusal(): TenantShareExhaustedException {
    return new TenantShareExhaustedException(this.limit);
  }
}

export class TenantShareExhaustedException extends ProblemException {
  constructor(limit: number) {
    super(429, `This tenant already has ${limit} requests using the database at once (its share of the pool); retry shortly.`, { limit }, { 'Retry-After': '1' });
  }
}

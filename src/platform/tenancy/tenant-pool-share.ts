import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../../config/environment.js';
import { PlatformProblems } from '../errors/platform-problems.js';
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

/** The part of its share a tenant may spend on expensive reads at once (at least one connection). */
const EXPENSIVE_PART_OF_SHARE = 0.25;

/**
 * Caps how many units of work of one tenant hold a pooled connection at once (DB_TENANT_POOL_SHARE
 * of DB_POOL_MAX), so that a tenant saturating its routes leaves the rest of the pool to the others;
 * its expensive reads (@ExpensiveRead()) get a quarter of that, since a connection does not bound the
 * CPU a heavy statement takes from everyone's queries. Work over a limit waits, first come first
 * served, for DB_TENANT_QUEUE_TIMEOUT_MS in a bounded queue; then the request gets a 429 with
 * Retry-After. A unit of work nested in one that already holds the tenant's slot (an in-process call
 * inside a request) does not queue behind its own caller. Per process: each instance has its own
 * pool, so each shares its own.
 */
@Injectable()
export class TenantPoolShare {
  readonly limit: number;
  readonly expensiveLimit: number;
  private readonly queueTimeoutMs: number;
  /** Per tenant, and per tenant for its expensive reads (a key of their own). */
  private readonly slots = new Map<string, TenantSlots>();
  private readonly holder = new AsyncLocalStorage<string>();

  constructor(config: ConfigService<Environment, true>) {
    const poolMax = config.get('DB_POOL_MAX', { infer: true });
    this.limit = Math.max(1, Math.floor(poolMax * config.get('DB_TENANT_POOL_SHARE', { infer: true })));
    this.expensiveLimit = Math.max(1, Math.floor(this.limit * EXPENSIVE_PART_OF_SHARE));
    this.queueTimeoutMs = config.get('DB_TENANT_QUEUE_TIMEOUT_MS', { infer: true });
  }

  async run<T>(tenantId: string, work: () => Promise<T>, expensive = false): Promise<T> {
    if (this.holder.getStore() === tenantId) {
      return work();
    }
    // An expensive read waits for its own slot first, so that it never idles on one of the tenant's.
    const held: [string, number, string][] = [[tenantId, this.limit, 'requests']];
    if (expensive) held.unshift([`${tenantId}\u0000expensive`, this.expensiveLimit, 'expensive reads']);
    const acquired: string[] = [];
    try {
      for (const [key, limit, what] of held) {
        await this.acquire(key, limit, what);
        acquired.push(key);
      }
      return await this.holder.run(tenantId, work);
    } finally {
      for (const key of acquired) this.release(key);
    }
  }

  private acquire(key: string, limit: number, what: string): Promise<void> {
    const slots = this.slots.get(key) ?? { running: 0, waiting: [] };
    this.slots.set(key, slots);
    if (slots.running < limit) {
      slots.running++;
      return Promise.resolve();
    }
    if (slots.waiting.length >= limit * QUEUE_LENGTH_PER_SLOT) {
      return Promise.reject(new TenantShareExhaustedException(limit, what));
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        admit: resolve,
        timer: setTimeout(() => {
          slots.waiting.splice(slots.waiting.indexOf(waiter), 1);
          reject(new TenantShareExhaustedException(limit, what));
        }, this.queueTimeoutMs),
      };
      slots.waiting.push(waiter);
    });
  }

  /** Hands the slot to the next waiter, or frees it (and forgets an idle key: the map stays small). */
  private release(key: string): void {
    const slots = this.slots.get(key);
    if (!slots) return;
    const next = slots.waiting.shift();
    if (next) {
      clearTimeout(next.timer);
      next.admit();
      return;
    }
    slots.running--;
    if (slots.running === 0) this.slots.delete(key);
  }
}

export class TenantShareExhaustedException extends ProblemException {
  constructor(limit: number, what: string) {
    super(
      PlatformProblems.types['tenant-share-exhausted'],
      `This tenant already has ${limit} ${what} using the database at once (its share of the pool); retry shortly.`,
      { limit },
      { 'Retry-After': '1' },
    );
  }
}

import type { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { type ThrottlerStorageRecord, windowRecord } from './fixed-window-record.js';

interface Window {
  hits: number;
  resetsAt: number;
  blockedUntil: number;
}

/** How often windows that have ended are forgotten: memory follows the callers of the last minute. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Counts each key's hits in fixed windows: constant work and memory per key and request. The
 * library's in-memory storage keeps a timestamp for every hit in the window and scans them on every
 * request, so each request costs more the busier the caller (and two limits per request cost twice).
 * A fixed window lets a caller reach at most twice its limit across a window boundary, the usual
 * trade of a counter like Redis's INCR + EXPIRE. RedisThrottlerStorage counts the same windows for
 * all instances (redis-window-script.ts), and falls back to this storage while Redis is unreachable.
 */
export class FixedWindowThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly windows = new Map<string, Window>();
  private readonly sweep = setInterval(() => this.forgetEnded(Date.now()), SWEEP_INTERVAL_MS).unref();

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const now = Date.now();
    const id = `${throttlerName}\u0000${key}`;
    let window = this.windows.get(id);
    if (!window || (window.resetsAt <= now && window.blockedUntil <= now)) {
      window = { hits: 0, resetsAt: now + ttl, blockedUntil: 0 };
      this.windows.set(id, window);
    }
    if (window.blockedUntil <= now) {
      window.hits++;
      if (window.hits > limit) window.blockedUntil = now + blockDuration;
    }
    return windowRecord({ hits: window.hits, resetsInMs: window.resetsAt - now, blockedForMs: window.blockedUntil - now }, limit);
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweep);
  }

  private forgetEnded(now: number): void {
    for (const [id, window] of this.windows) {
      if (window.resetsAt <= now && window.blockedUntil <= now) this.windows.delete(id);
    }
  }
}

import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { Redis, type Result } from 'ioredis';
import { type ThrottlerStorageRecord, windowRecord } from './fixed-window-record.js';
import { FixedWindowThrottlerStorage } from './fixed-window-storage.js';
import { FIXED_WINDOW_SCRIPT } from './redis-window-script.js';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    countFixedWindow(key: string, ttl: number, limit: number, blockDuration: number): Result<[number, number, number], Context>;
  }
}

/** Every key Tessera writes to Redis starts so, beside whatever else shares the server. */
export const RATE_LIMIT_KEY_PREFIX = 'tessera:rl:';

/** Longer than any healthy answer (about a millisecond), short enough that a hung server costs a request little. */
const COMMAND_TIMEOUT_MS = 500;
/** After a failed call, requests count locally for this long before trying Redis again: a hung server is not waited on by each. */
const RETRY_AFTER_FAILURE_MS = 1_000;
/** While Redis stays unreachable, the warning is repeated at most this often. */
const WARNING_INTERVAL_MS = 60_000;

/**
 * Counts fixed windows in Redis, so every instance shares each limit. While Redis does not answer, the
 * limits fail open to this instance's own counters (FixedWindowThrottlerStorage): each instance then
 * admits up to the whole limit, as a single instance does, rather than refusing requests or letting
 * every one through (ADR 0010). A warning says so when it starts, at most once a minute while it
 * lasts, and a log line when Redis answers again.
 */
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimit');
  private readonly local = new FixedWindowThrottlerStorage();
  private unreachableSince?: number;
  private lastWarningAt = 0;
  private retryAt = 0;

  private constructor(private readonly redis: Redis) {
    redis.defineCommand('countFixedWindow', { numberOfKeys: 1, lua: FIXED_WINDOW_SCRIPT });
    // Connection errors are retried by the client; without a listener each would also be printed to stderr.
    redis.on('error', (error: Error) => this.noteFailure(error));
  }

  /** Connects before the first request; an unreachable Redis delays nothing, the client keeps reconnecting. */
  static async connect(url: string): Promise<RedisThrottlerStorage> {
    const redis = new Redis(url, {
      lazyConnect: true,
      // A call made while disconnected fails at once (and counts locally) instead of queueing.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: 2_000,
    });
    const storage = new RedisThrottlerStorage(redis);
    await redis.connect().then(
      () => storage.logger.log(`Rate limits shared through Redis at ${redis.options.host}:${redis.options.port}`),
      (error: Error) => storage.noteFailure(error),
    );
    return storage;
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    if (Date.now() < this.retryAt) return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
    try {
      const [hits, resetsInMs, blockedForMs] = await this.redis.countFixedWindow(
        `${RATE_LIMIT_KEY_PREFIX}${throttlerName}:${key}`,
        ttl,
        limit,
        blockDuration,
      );
      this.noteSuccess();
      return windowRecord({ hits, resetsInMs, blockedForMs }, limit);
    } catch (error) {
      this.retryAt = Date.now() + RETRY_AFTER_FAILURE_MS;
      this.noteFailure(error as Error);
      return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
    }
  }

  onApplicationShutdown(): void {
    this.local.onApplicationShutdown();
    this.redis.disconnect();
  }

  private noteFailure(error: Error): void {
    const now = Date.now();
    this.unreachableSince ??= now;
    if (now - this.lastWarningAt < WARNING_INTERVAL_MS) return;
    this.lastWarningAt = now;
    const lasting = Math.round((now - this.unreachableSince) / 1000);
    this.logger.warn(`Redis unreachable for ${lasting} s (${error.message}): each instance counts its own rate limits until it answers`);
  }

  private noteSuccess(): void {
    if (this.unreachableSince === undefined) return;
    this.logger.log(`Redis answers again after ${Math.round((Date.now() - this.unreachableSince) / 1000)} s: rate limits are shared again`);
    this.unreachableSince = undefined;
    this.lastWarningAt = 0;
  }
}

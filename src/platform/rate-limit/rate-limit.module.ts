import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import type { Environment } from '../../config/environment.js';
import type { Principal } from '../auth/principal.js';
import { AuthFailureLimiter } from './auth-failure-limiter.js';
import { FixedWindowThrottlerStorage } from './fixed-window-storage.js';
import { RateLimitGuard } from './rate-limit.guard.js';

interface Caller {
  user?: Principal;
  ip?: string;
}

const MINUTE_MS = 60_000;

/** Loaded only when configured: the Redis client is ~45 modules every start-up would otherwise load. */
async function connectRedisStorage(redisUrl: string) {
  const { RedisThrottlerStorage } = await import('./redis-throttler-storage.js');
  return RedisThrottlerStorage.connect(redisUrl);
}

/**
 * Rate limits on authenticated requests, each across all routes: per tenant (all its users together;
 * anonymous requests per client IP) and per user of a tenant, so that one user cannot spend the budget
 * of all the others. Plus a per-IP limit on failed authentications (AuthFailureLimiter, used by the
 * JWT guard). Every limit, AccessDeniedLimit's too, counts fixed windows in the storage made here: this
 * instance's memory, or Redis when RATE_LIMIT_REDIS_URL is set, so that all instances share each
 * limit (ADR 0010).
 */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: async (config: ConfigService<Environment, true>) => {
        const redisUrl = config.get('RATE_LIMIT_REDIS_URL', { infer: true });
        const perTenant = config.get('RATE_LIMIT_PER_MINUTE', { infer: true });
        return {
          // The user's limit first: a request it refuses does not also spend the tenant's budget.
          throttlers: [
            {
              name: 'user',
              ttl: MINUTE_MS,
              limit: config.get('RATE_LIMIT_PER_USER_PER_MINUTE', { infer: true }) ?? Math.ceil(perTenant / 2),
              getTracker: ({ user }: Caller) => JSON.stringify([user?.tenantId, user?.actorId]),
              skipIf: (context) => !context.switchToHttp().getRequest<Caller>().user,
            },
            {
              name: 'tenant',
              ttl: MINUTE_MS,
              limit: perTenant,
              getTracker: ({ user, ip }: Caller) => (user ? `tenant:${user.tenantId}` : `ip:${ip}`),
            },
          ],
          // One key per caller across all routes; the storages keep each limit's keys apart by its name.
          generateKey: (_context, tracker) => tracker,
          storage: redisUrl ? await connectRedisStorage(redisUrl) : new FixedWindowThrottlerStorage(),
        };
      },
    }),
  ],
  providers: [AuthFailureLimiter, { provide: APP_GUARD, useClass: RateLimitGuard }],
  exports: [AuthFailureLimiter],
})
export class RateLimitModule {}

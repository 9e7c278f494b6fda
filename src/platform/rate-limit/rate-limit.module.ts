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

/**
 * Rate limits on authenticated requests, each across all routes: per tenant (all its users together;
 * anonymous requests per client IP) and per user of a tenant, so that one user cannot spend the budget
 * of all the others. Plus a per-IP limit on failed authentications (AuthFailureLimiter, used by the
 * JWT guard). The storage is in memory, counting fixed windows; several instances share limits by
 * passing a shared ThrottlerStorage (e.g. Redis) as `storage` here.
 */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<Environment, true>) => {
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
          generateKey: (_context, tracker, name) => `${name}:${tracker}`,
          storage: new FixedWindowThrottlerStorage(),
        };
      },
    }),
  ],
  providers: [AuthFailureLimiter, { provide: APP_GUARD, useClass: RateLimitGuard }],
  exports: [AuthFailureLimiter],
})
export class RateLimitModule {}

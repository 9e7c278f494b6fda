import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import type { Environment } from '../../config/environment.js';
import type { Principal } from '../auth/principal.js';
import { AuthFailureLimiter } from './auth-failure-limiter.js';

/**
 * Per-tenant rate limits on authenticated requests, and a per-IP limit on failed authentications
 * (AuthFailureLimiter, used by the JWT guard). The storage is in memory; several instances share
 * limits by passing a shared ThrottlerStorage (e.g. Redis) as `storage` here.
 */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<Environment, true>) => ({
        // The default throttler's headers are the standard ones: Retry-After, X-RateLimit-Limit/Remaining/Reset.
        throttlers: [{ ttl: 60_000, limit: config.get('RATE_LIMIT_PER_MINUTE', { infer: true }) }],
        getTracker: (request: { user?: Principal; ip?: string }) =>
          request.user ? `tenant:${request.user.tenantId}` : `ip:${request.ip}`,
      }),
    }),
  ],
  providers: [AuthFailureLimiter, { provide: APP_GUARD, useClass: ThrottlerGuard }],
  exports: [AuthFailureLimiter],
})
export class RateLimitModule {}

import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import type { Environment } from '../../config/environment.js';
import type { Principal } from '../auth/principal.js';

/**
 * Per-tenant rate limits (per client IP before authentication). The storage is in memory; several
 * instances share limits by passing a shared ThrottlerStorage (e.g. Redis) as `storage` here.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<Environment, true>) => ({
        throttlers: [{ name: 'tenant', ttl: 60_000, limit: config.get('RATE_LIMIT_PER_MINUTE', { infer: true }) }],
        getTracker: (request: { user?: Principal; ip?: string }) =>
          request.user ? `tenant:${request.user.tenantId}` : `ip:${request.ip}`,
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
})
export class RateLimitModule {}

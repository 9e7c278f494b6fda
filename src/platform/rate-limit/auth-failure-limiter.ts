import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ThrottlerStorage } from '@nestjs/throttler';
import type { Environment } from '../../config/environment.js';
import { PlatformProblems } from '../errors/platform-problems.js';
import { ProblemException } from '../errors/problem.exception.js';

const WINDOW_MS = 60_000;

/**
 * Counts failed authentications per client IP in the throttler's storage (tokens with an unknown
 * JWKS kid among them). Past the limit a failure is answered 429 instead of 401, so token guessing
 * is bounded; a valid token from the same address still passes.
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly limit: number;

  constructor(
    @Inject(ThrottlerStorage) private readonly storage: ThrottlerStorage,
    config: ConfigService<Environment, true>,
  ) {
    this.limit = config.get('AUTH_FAILURES_PER_MINUTE', { infer: true });
  }

  /** Records a failure; throws the 429 when the address has failed too often. */
  async recordFailure(ip: string): Promise<void> {
    const record = await this.storage.increment(`auth-failure:${ip}`, WINDOW_MS, this.limit, WINDOW_MS, 'auth-failures');
    if (record.isBlocked) {
      throw new ProblemException(
        PlatformProblems.types['authentication-failures-limited'],
        'Too many failed authentications from this address; retry later.',
        {},
        {
          'Retry-After': String(Math.max(1, record.timeToBlockExpire)),
        },
      );
    }
  }
}

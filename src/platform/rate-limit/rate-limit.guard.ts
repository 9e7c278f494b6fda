import { Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerRequest } from '@nestjs/throttler';
import { PlatformProblems } from '../errors/platform-problems.js';
import { ProblemException } from '../errors/problem.exception.js';

/** What each limit counts, as named in the 429 problem. */
const SCOPES: Record<string, string> = { tenant: 'this tenant', user: 'this user' };

interface Tightest {
  remaining: number;
}

/**
 * The throttler's guard, with one key per limit and caller across all routes (the library's default
 * key also holds the handler: a budget per route), the headers of whichever limit is closest to
 * running out (rather than one set of headers per limit), and a 429 problem naming the limit.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  private readonly tightest = new WeakMap<object, Tightest>();

  protected override async handleRequest({
    context,
    limit,
    ttl,
    throttler,
    blockDuration,
    getTracker,
    generateKey,
  }: ThrottlerRequest): Promise<boolean> {
    const { req, res } = this.getRequestResponse(context);
    const name = throttler.name ?? 'default';
    const key = generateKey(context, await getTracker(req, context), name);
    const record = await this.storageService.increment(key, ttl, limit, blockDuration, name);
    if (record.isBlocked) {
      throw new ProblemException(
        PlatformProblems.types['rate-limited'],
        `Too many requests for ${SCOPES[name] ?? 'this caller'} (limit: ${limit} a minute); retry after the time in Retry-After.`,
        { limit, scope: name },
        { 'Retry-After': String(Math.max(1, record.timeToBlockExpire)) },
      );
    }
    const remaining = Math.max(0, limit - record.totalHits);
    const known = this.tightest.get(req);
    if (!known || remaining < known.remaining) {
      this.tightest.set(req, { remaining });
      this.setResponseHeader(res, 'X-RateLimit-Limit', limit);
      this.setResponseHeader(res, 'X-RateLimit-Remaining', remaining);
      this.setResponseHeader(res, 'X-RateLimit-Reset', record.timeToExpire);
    }
    return true;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import type { Principal } from './principal.js';

const WINDOW_MS = 60_000;
const RECORDED_PER_ACTOR = 10;

/**
 * How many of an actor's refusals become audit entries: RECORDED_PER_ACTOR a minute. A 403 costs the
 * caller nothing, while each entry is a write and stays in the trail (and its verification) for
 * good. The refusals still go out and every one is in the request log. Counted in the throttler's
 * storage, so instances that share it share the limit.
 */
@Injectable()
export class AccessDeniedLimit {
  constructor(@Inject(ThrottlerStorage) private readonly storage: ThrottlerStorage) {}

  /** Counts a refusal; false once the actor is past the limit, for this one to go unrecorded. */
  async admits(principal: Principal): Promise<boolean> {
    const key = `access-denied:${JSON.stringify([principal.tenantId, principal.actorId])}`;
    const { isBlocked } = await this.storage.increment(key, WINDOW_MS, RECORDED_PER_ACTOR, 0, 'access-denied');
    return !isBlocked;
  }
}

import type { ThrottlerStorage } from '@nestjs/throttler';

export type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** A key's fixed window as seen at one instant, in milliseconds from that instant. */
export interface WindowState {
  hits: number;
  resetsInMs: number;
  /** Negative once the block has ended (or when there was none). */
  blockedForMs: number;
}

const seconds = (ms: number) => Math.max(0, Math.ceil(ms / 1000));

/**
 * The throttler's record of a window, the same whichever storage counted it. Without a block duration
 * a caller past the limit stays refused until the window ends: the block then lasts to the reset.
 */
export function windowRecord({ hits, resetsInMs, blockedForMs }: WindowState, limit: number): ThrottlerStorageRecord {
  const isBlocked = hits > limit && blockedForMs >= 0;
  return {
    totalHits: hits,
    timeToExpire: seconds(resetsInMs),
    isBlocked,
    timeToBlockExpire: isBlocked ? seconds(Math.max(blockedForMs, resetsInMs)) : 0,
  };
}

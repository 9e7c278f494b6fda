import { jest } from '@jest/globals';
import { FixedWindowThrottlerStorage } from './fixed-window-storage.js';

describe('FixedWindowThrottlerStorage', () => {
  let storage: FixedWindowThrottlerStorage;
  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-12-01T12:00:00Z') });
    storage = new FixedWindowThrottlerStorage();
  });
  afterEach(() => {
    storage.onApplicationShutdown();
    jest.useRealTimers();
  });

  const hit = (key = 'tenant:acme', blockDuration = 60_000) => storage.increment(key, 60_000, 3, blockDuration, 'tenant');

  it('counts hits in a window and blocks past the limit until the block ends', async () => {
    for (const expected of [1, 2, 3]) {
      expect(await hit()).toMatchObject({ totalHits: expected, isBlocked: false, timeToExpire: 60 });
    }
    expect(await hit()).toMatchObject({ isBlocked: true, timeToBlockExpire: 60 });
    jest.advanceTimersByTime(30_000);
    expect(await hit()).toMatchObject({ isBlocked: true, timeToBlockExpire: 30 });
    jest.advanceTimersByTime(30_001);
    expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('keeps keys and limit names apart', async () => {
    await hit('tenant:acme');
    await hit('tenant:acme');
    expect(await hit('tenant:globex')).toMatchObject({ totalHits: 1 });
    expect(await storage.increment('tenant:acme', 60_000, 3, 60_000, 'user')).toMatchObject({ totalHits: 1 });
  });

  it('without a block duration, refuses every hit past the limit until the window ends', async () => {
    for (let i = 0; i < 3; i++) await hit('actor', 0);
    expect(await hit('actor', 0)).toMatchObject({ isBlocked: true, timeToBlockExpire: 60 });
    jest.advanceTimersByTime(1_000);
    expect(await hit('actor', 0)).toMatchObject({ isBlocked: true });
    jest.advanceTimersByTime(59_000);
    expect(await hit('actor', 0)).toMatchObject({ totalHits: 1, isBlocked: false });
  });
});

import { activityStats, bucketStart } from './audit-stats.js';

describe('activity stats', () => {
  it('starts buckets at whole UTC hours and days', () => {
    expect(bucketStart(new Date('2026-03-04T05:06:07.089Z'), 'hour').toISOString()).toBe('2026-03-04T05:00:00.000Z');
    expect(bucketStart(new Date('2026-03-04T05:06:07.089Z'), 'day').toISOString()).toBe('2026-03-04T00:00:00.000Z');
  });

  it('fills every bucket of the range, empty ones with zero, and ranks families by volume', () => {
    const stats = activityStats(new Date('2026-03-04T05:30:00Z'), new Date('2026-03-04T08:00:00Z'), 'hour', [
      { bucket: '2026-03-04T05:00:00.000Z', family: 'task', count: 2 },
      { bucket: '2026-03-04T07:00:00.000Z', family: 'dashboard', count: 5 },
      { bucket: '2026-03-04T07:00:00.000Z', family: 'task', count: 1 },
    ]);
    expect(stats.buckets.map((slot) => [slot.start, slot.total])).toEqual([
      ['2026-03-04T05:00:00.000Z', 2],
      ['2026-03-04T06:00:00.000Z', 0],
      ['2026-03-04T07:00:00.000Z', 6],
    ]);
    expect(stats.families).toEqual(['dashboard', 'task']);
    expect(stats.total).toBe(8);
    expect(stats.buckets[2]!.counts).toEqual({ dashboard: 5, task: 1 });
  });
});

import { type Lineage, maxEdgesOf, withHint } from './task-lineage.js';

describe('lineage hint', () => {
  const lineage = (truncated: boolean): Lineage => ({ nodes: [], edges: [], truncated });

  it('caps edges at five per node asked for', () => {
    expect(maxEdgesOf({ maxNodes: 200 })).toBe(1_000);
  });

  it('leaves a complete lineage as it is', () => {
    expect(withHint(lineage(false), { direction: 'both', maxDepth: 5, maxNodes: 10 })).toEqual(lineage(false));
  });

  it('tells how to see the rest of a truncated one, naming one direction only when both were asked for', () => {
    expect(withHint(lineage(true), { direction: 'both', maxDepth: 5, maxNodes: 10 }).hint).toBe(
      'More than 10 tasks or 50 dependencies are within reach; the nearest are returned. Ask for a smaller maxDepth (now 5) or one direction to see all of a narrower graph.',
    );
    expect(withHint(lineage(true), { direction: 'upstream', maxDepth: 3, maxNodes: 10 }).hint).toContain('(now 3) to see all');
  });
});

import { nestsDeeperThan, someJsonValue } from './json-depth.js';

/** Arrays and objects in turn, `depth` levels around a leaf. */
const nested = (depth: number, leaf: unknown = 'leaf') => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { child: value };
  return value;
};

describe('someJsonValue', () => {
  it('visits every value once, with its depth', () => {
    const seen: [unknown, number][] = [];
    someJsonValue({ a: [1, { b: null }], c: 'x' }, (value, depth) => {
      if (value === null || typeof value !== 'object') seen.push([value, depth]);
      return false;
    });
    expect(seen.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      [1, 2],
      [null, 3],
      ['x', 1],
    ]);
  });

  it('stops at the first match', () => {
    let visited = 0;
    expect(
      someJsonValue(
        Array.from({ length: 10 }, (_, i) => i),
        (value) => {
          visited++;
          return value === 3;
        },
      ),
    ).toBe(true);
    expect(visited).toBeLessThan(11);
  });

  it('walks a 600,000-element array and a structure 200,000 levels deep without overflowing the stack', () => {
    const wide = new Array(600_000).fill(0);
    expect(someJsonValue(wide, (value) => value === 1)).toBe(false);
    wide[599_999] = 1;
    expect(someJsonValue(wide, (value) => value === 1)).toBe(true);
    expect(someJsonValue(nested(200_000, 7), (value, depth) => value === 7 && depth === 200_000)).toBe(true);
  });
});

describe('nestsDeeperThan', () => {
  it('accepts scalars and JSON up to the limit', () => {
    expect(nestsDeeperThan('text', 2)).toBe(false);
    expect(nestsDeeperThan(nested(2), 2)).toBe(false);
    expect(nestsDeeperThan(new Array(600_000).fill([0]), 2)).toBe(false);
  });

  it('refuses one level more, and survives depths that would overflow a recursive walk', () => {
    expect(nestsDeeperThan(nested(3), 2)).toBe(true);
    expect(nestsDeeperThan(nested(200_000), 64)).toBe(true);
    expect(nestsDeeperThan([...new Array(600_000).fill([0]), nested(3)], 3)).toBe(true);
  });
});

import { nestsDeeperThan } from './json-depth.js';

describe('nestsDeeperThan', () => {
  const nested = (depth: number) => {
    let value: unknown = 'leaf';
    for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { child: value };
    return value;
  };

  it('accepts scalars and JSON up to the limit', () => {
    expect(nestsDeeperThan('text', 2)).toBe(false);
    expect(nestsDeeperThan(nested(2), 2)).toBe(false);
  });

  it('refuses one level more, and survives depths that would overflow a recursive walk', () => {
    expect(nestsDeeperThan(nested(3), 2)).toBe(true);
    expect(nestsDeeperThan(nested(200_000), 64)).toBe(true);
  });
});

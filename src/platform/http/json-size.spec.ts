import { ProblemException } from '../errors/problem.exception.js';
import { assertJsonWithin, hasInexactNumber } from './json-size.js';

/** What JSON.parse makes of `value` wrapped in `depth` arrays. */
const parsedDeep = (depth: number, value: string) => JSON.parse(`${'['.repeat(depth)}${value}${']'.repeat(depth)}`) as unknown;

describe('hasInexactNumber', () => {
  it('finds a number JSON parsing changed, anywhere', () => {
    expect(hasInexactNumber({ a: [1, 0.5, -(2 ** 53 - 1)], b: 'x' })).toBe(false);
    expect(hasInexactNumber(JSON.parse('{"a":[{"b":1e400}]}'))).toBe(true);
    expect(hasInexactNumber(JSON.parse('[12345678901234567890123]'))).toBe(true);
  });

  it('walks a 600,000-element array without overflowing the stack', () => {
    const zeros = JSON.parse(`[${new Array(600_000).fill(0).join(',')}]`) as unknown[];
    expect(hasInexactNumber(zeros)).toBe(false);
    expect(hasInexactNumber({ zeros, last: [...zeros.slice(1), 2 ** 60] })).toBe(true);
  });

  it('walks a structure 200,000 levels deep without overflowing the stack', () => {
    expect(hasInexactNumber(parsedDeep(200_000, '1'))).toBe(false);
    expect(hasInexactNumber(parsedDeep(200_000, '1e400'))).toBe(true);
  });
});

describe('assertJsonWithin', () => {
  const zeros = new Array(600_000).fill(0);
  const bytes = 2 * zeros.length + 1;

  it('accepts JSON up to the cap', () => {
    expect(() => assertJsonWithin('pattern', zeros, bytes)).not.toThrow();
  });

  it('refuses more with a 413 naming the field and both sizes', () => {
    let refusal: unknown;
    try {
      assertJsonWithin('pattern', zeros, bytes - 1);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ProblemException);
    expect((refusal as ProblemException).getResponse()).toMatchObject({
      status: 413,
      detail: expect.stringContaining(`pattern is ${bytes} bytes of JSON; at most ${bytes - 1} bytes`),
      errors: [{ field: 'pattern', messages: [`at most ${bytes - 1} bytes of JSON`] }],
    });
  });
});

import { ProblemException } from '../errors/problem.exception.js';
import { assertPrecondition, etagOf, preconditionOf } from './preconditions.js';

describe('preconditions', () => {
  it('is absent when neither If-Match nor a body version is given', () => {
    expect(preconditionOf(undefined)).toBeUndefined();
  });

  it('matches a strong tag, any of a list, or *', () => {
    expect(preconditionOf(etagOf(3))!.matches(3)).toBe(true);
    expect(preconditionOf('"3"')!.matches(4)).toBe(false);
    expect(preconditionOf(' "1" , "4" ')!.matches(4)).toBe(true);
    expect(preconditionOf('*')!.matches(7)).toBe(true);
  });

  it('needs both the header and the body version to hold when both are given', () => {
    expect(preconditionOf('"3"', 3)!.matches(3)).toBe(true);
    expect(preconditionOf('"3"', 2)!.matches(3)).toBe(false);
    expect(preconditionOf(undefined, 0)!.matches(0)).toBe(true);
  });

  it('never matches a weak tag: If-Match compares strongly', () => {
    expect(preconditionOf('W/"3"')!.matches(3)).toBe(false);
    expect(preconditionOf('W/"3", "4"')!.matches(4)).toBe(true);
  });

  it.each(['3', 'w/"3"', '"a"', '""', '', ',', '"1",', '"99999999999"'])('refuses the malformed If-Match %p with 400', (header) => {
    expect(() => preconditionOf(header)).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('refuses a stale version with 412 carrying the current ETag', () => {
    try {
      assertPrecondition(preconditionOf('"1"'), 2, 'dashboard');
      throw new Error('no refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(ProblemException);
      expect((error as ProblemException).getStatus()).toBe(412);
      expect((error as ProblemException).headers).toEqual({ ETag: '"2"' });
    }
  });
});

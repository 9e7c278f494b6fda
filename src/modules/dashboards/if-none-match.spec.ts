import { isUnchanged, parseIfNoneMatch } from './if-none-match.js';

describe('If-None-Match', () => {
  it('is undefined when absent, and * matches any version', () => {
    expect(parseIfNoneMatch(undefined)).toBeUndefined();
    expect(isUnchanged(undefined, 1)).toBe(false);
    expect(parseIfNoneMatch(' * ')).toBe('*');
    expect(isUnchanged('*', 7)).toBe(true);
  });

  it('compares weakly: a weak tag matches the strong one of the same version', () => {
    expect(parseIfNoneMatch('W/"3"')).toEqual([3]);
    expect(isUnchanged(parseIfNoneMatch('W/"3"'), 3)).toBe(true);
    expect(isUnchanged(parseIfNoneMatch('"3"'), 4)).toBe(false);
  });

  it('reads lists with spaces and empty elements, keeping only tags this API could have sent', () => {
    expect(parseIfNoneMatch('"1", W/"2" ,,"xyzzy",  "", "99999999999"')).toEqual([1, 2]);
    expect(parseIfNoneMatch('"a,b", "5"')).toEqual([5]);
  });

  it.each(['', ',', '3', '"3', 'W/3', '"3" "4"', '*, "3"', 'w/"3"', '"a"b'])(
    'refuses the malformed %j with a 400 naming the header',
    (header) => {
      try {
        parseIfNoneMatch(header);
        throw new Error('accepted');
      } catch (error) {
        expect(error).toMatchObject({ status: 400 });
        expect((error as { getResponse(): { errors: { field: string }[] } }).getResponse().errors[0].field).toBe('If-None-Match');
      }
    },
  );
});

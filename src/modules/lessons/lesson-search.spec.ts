import { LESSON_SORT_KEYS, LessonSearch, type LessonSelection } from './lesson-search.js';

/** The SQL a selection writes for alias `l`, and the values it binds. */
function render(selection: LessonSelection): { sql: string; values: unknown[] } {
  const values: unknown[] = [];
  const { key, condition } = selection((value) => `$${values.push(value)}`);
  return { sql: `${key.expression('l')} where ${condition?.('l')}`, values };
}

describe('LessonSearch', () => {
  const search = new LessonSearch(`it's "what?" -drop $1 '); delete from lessons; --`);

  it.each([
    ['ranked', search.ranked()],
    ['resembling', search.resembling()],
    ['sorted otherwise', search.sortedBy(LESSON_SORT_KEYS.confidence)],
  ])('writes no request text into the SQL of the %s search: every part of it is bound', (_name, selection) => {
    const { sql, values } = render(selection);
    expect(values.length).toBeGreaterThan(0);
    for (const fragment of ["it's", 'what?', 'drop', 'delete', '--']) expect(sql).not.toContain(fragment);
    expect(sql.match(/\$\d+/g)).toEqual(expect.arrayContaining(values.map((_, index) => `$${index + 1}`)));
  });

  it('binds the query once per statement however often the ranking repeats it', () => {
    expect(render(search.ranked()).values).toEqual([`it's "what?" -drop $1 delete from lessons;`]);
  });

  it('binds the plain words and the exclusions of the typo fallback apart', () => {
    expect(render(new LessonSearch('retyr "budgte" -gateway').resembling()).values).toEqual(['retyr budgte', 'gateway']);
  });
});

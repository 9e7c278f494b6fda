import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely';
import { lessonFilters } from './lesson-filters.js';
import { LESSON_SORT_KEYS, LessonSearch, type LessonSelection } from './lesson-search.js';

/** Compiles SQL as the application would, without a database. */
const compiler = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** The SQL a selection writes for alias `l` (its score, order and condition), and the values it binds. */
function render({ key, condition, score }: LessonSelection): { sql: string; values: readonly unknown[] } {
  const statement = sql`select ${score?.('l') ?? sql`null`} from lessons l where ${condition?.('l') ?? sql`true`} order by ${key.expression('l')}`;
  const { sql: text, parameters } = statement.compile(compiler);
  return { sql: text, values: parameters };
}

describe('LessonSearch', () => {
  const hostile = `it's "what?" -drop $1 '); delete from lessons; --`;
  const search = new LessonSearch(hostile);

  it.each([
    ['ranked', search.ranked()],
    ['corrected', search.corrected('tenant-1')],
    ['sorted otherwise', search.sortedBy(LESSON_SORT_KEYS.confidence)],
  ])('writes no request text into the SQL of the %s search: every part of it is bound', (_name, selection) => {
    const { sql: text, values } = render(selection);
    expect(values.length).toBeGreaterThan(0);
    for (const fragment of ["it's", 'what?', 'drop', 'delete', '--']) expect(text).not.toContain(fragment);
    expect(text.match(/\$\d+/g)).toEqual(values.map((_, index) => `$${index + 1}`));
  });

  it('orders a search by the rank column that its score fills', () => {
    expect(render(search.ranked()).sql).toMatch(/order by "l"\."rank"$/);
    expect(render(search.corrected('tenant-1')).sql).toMatch(/order by "l"\."rank"$/);
    expect(search.sortedBy(LESSON_SORT_KEYS.confidence).score).toBeUndefined();
  });

  it('binds the normalised query wherever the ranking uses it', () => {
    expect(new Set(render(search.ranked()).values)).toEqual(new Set([`it's "what?" -drop $1 delete from lessons;`]));
  });

  it('binds the tenant, the plain words and the exclusions of the typo fallback apart', () => {
    const values = render(new LessonSearch('Retyr "budgte" -gateway retyr').corrected('tenant-1')).values;
    expect(new Set(values)).toEqual(new Set(['tenant-1', ['retyr', 'budgte'], 'gateway', 0.3, 3]));
  });

  it('leaves the exclusion out of the typo fallback when the query excludes nothing', () => {
    const { sql: text, values } = render(new LessonSearch('retyr budgte').corrected('tenant-1'));
    expect(text).not.toContain('websearch_to_tsquery');
    expect(values).not.toContain('gateway');
  });

  it('reads web-search syntax: phrases kept, exclusions apart, operator-only tokens dropped', () => {
    const parsed = new LessonSearch('  "payment gateway" or !retry -sandbox ( -- ');
    expect(parsed.text).toBe('"payment gateway" or -retry -sandbox');
    expect(parsed.words).toEqual(['payment', 'gateway']);
    expect(parsed.excluded).toEqual(['retry', 'sandbox']);
  });

  it('bounds the query to 32 words', () => {
    const words = Array.from({ length: 40 }, (_, index) => `w${index}`);
    expect(new LessonSearch(words.join(' ')).text.split(' ')).toHaveLength(32);
  });

  it('is empty when only operators remain, and falls back on typos only with three letters or more', () => {
    expect(new LessonSearch('- " ( or').isEmpty).toBe(false);
    expect(new LessonSearch('- " (').isEmpty).toBe(true);
    expect(new LessonSearch('ab').canFallBack).toBe(false);
    expect(new LessonSearch('abc -defgh').canFallBack).toBe(true);
    expect(new LessonSearch('ab -defgh').canFallBack).toBe(false);
  });
});

describe('lessonFilters', () => {
  const compile = (query: Parameters<typeof lessonFilters>[0]) => sql`${sql.join(lessonFilters(query, 'l'), sql` and `)}`.compile(compiler);

  it('filters nothing without filters', () => {
    expect(lessonFilters({}, 'l')).toEqual([]);
  });

  it('binds every value, tags as one array', () => {
    const { sql: text, parameters } = compile({
      category: "x' or 1=1",
      tags: ['a,b', 'null'],
      sourceAgent: 'tester',
      humanValidated: false,
      minConfidence: 0.25,
    });
    expect(text).toBe(
      '"l"."category" = $1::text and "l"."tags" && $2::text[] and "l"."source_agent" = $3::text and "l"."human_validated" = $4::boolean and "l"."confidence" >= $5::float8',
    );
    expect(parameters).toEqual(["x' or 1=1", ['a,b', 'null'], 'tester', false, 0.25]);
  });

  it('asks for all tags with tagsMode=all', () => {
    expect(compile({ tags: ['a'], tagsMode: 'all' }).sql).toBe('"l"."tags" @> $1::text[]');
  });
});

import type { ListLessonsQuery } from '../../src/modules/lessons/dto/list-lessons.query.js';
import { type LessonContent, type LessonOrdering, LessonRepository } from '../../src/modules/lessons/lesson.repository.js';
import type { LessonView } from '../../src/modules/lessons/lesson.view.js';
import { LessonSearch } from '../../src/modules/lessons/lesson-search.js';
import type { Principal } from '../../src/platform/auth/principal.js';
import type { Page } from '../../src/platform/pagination/page.js';
import { newPrincipal, startTestContext, type TestContext } from '../support/test-context.js';
import { withAdminClient } from '../support/test-database.js';

let t: TestContext;
let lessons: LessonRepository;

beforeAll(async () => {
  t = await startTestContext();
  lessons = t.get(LessonRepository);
});

afterAll(async () => {
  await t?.close();
});

function content(overrides: Partial<LessonContent> = {}): LessonContent {
  return {
    category: 'testing',
    title: 'A lesson',
    summary: 'Something learned',
    details: null,
    tags: [],
    sourceAgent: null,
    taskId: null,
    confidence: 0.5,
    ...overrides,
  };
}

function query(overrides: Partial<ListLessonsQuery> = {}): ListLessonsQuery {
  return { limit: 50, tagsMode: 'any', ...overrides } as ListLessonsQuery;
}

const ids = (page: Page<LessonView>) => page.items.map((lesson) => lesson.id);

/** Every page of a list, `limit` at a time, following the cursors. */
async function allPages(
  principal: Principal,
  read: (query: ListLessonsQuery) => Promise<Page<LessonView>>,
  filters: Partial<ListLessonsQuery>,
  limit: number,
): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await t.inTenant(principal, () => read(query({ ...filters, limit, cursor })));
    expect(page.items.length).toBeLessThanOrEqual(limit);
    seen.push(...ids(page));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return seen;
}

describe('LessonRepository', () => {
  describe('writes', () => {
    const owner = newPrincipal();
    const stranger = newPrincipal();

    it('adds a lesson with its tags as given, whatever they hold, and reads it back the same', async () => {
      const tags = ['null', 'a,b', '"quoted"', "it's", '{braces}', 'back\\slash'];
      const added = await t.inTenant(owner, () =>
        lessons.add(content({ tags, details: 'Details', sourceAgent: 'tester', confidence: 0.75 })),
      );
      expect(added).toMatchObject({
        tags,
        details: 'Details',
        sourceAgent: 'tester',
        confidence: 0.75,
        applicationCount: 0,
        successRate: null,
        humanValidated: false,
      });
      expect(added.createdAt).toBeInstanceOf(Date);
      expect(Math.abs(added.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
      expect(added.updatedAt).toEqual(added.createdAt);
      expect(await t.inTenant(owner, () => lessons.view(added.id))).toEqual(added);
      expect(await t.inTenant(owner, () => lessons.lockedForChange(added.id))).toEqual(added);
    });

    it('changes only the given fields, and nothing of another tenant', async () => {
      const added = await t.inTenant(owner, () => lessons.add(content({ tags: ['one'] })));
      const changed = await t.inTenant(owner, () => lessons.change(added.id, { title: 'Renamed', tags: ['two', 'three'], details: null }));
      expect(changed).toMatchObject({ id: added.id, title: 'Renamed', summary: added.summary, tags: ['two', 'three'], details: null });
      expect(await t.inTenant(stranger, () => lessons.change(added.id, { title: 'Taken over' }))).toBeUndefined();
      expect(await t.inTenant(stranger, () => lessons.view(added.id))).toBeUndefined();
      expect(await t.inTenant(stranger, () => lessons.lockedForChange(added.id))).toBeUndefined();
      expect((await t.inTenant(owner, () => lessons.view(added.id)))?.title).toBe('Renamed');
    });

    it('removes a lesson of the tenant only', async () => {
      const added = await t.inTenant(owner, () => lessons.add(content()));
      expect(await t.inTenant(stranger, () => lessons.remove(added.id))).toBe(false);
      expect(await t.inTenant(owner, () => lessons.remove(added.id))).toBe(true);
      expect(await t.inTenant(owner, () => lessons.remove(added.id))).toBe(false);
    });

    it('counts concurrent applications without losing one', async () => {
      const added = await t.inTenant(owner, () => lessons.add(content()));
      await Promise.all(Array.from({ length: 12 }, () => t.inTenant(owner, () => lessons.incrementApplication(added.id, null))));
      expect((await t.inTenant(owner, () => lessons.view(added.id)))?.applicationCount).toBe(12);
    });

    it('moves the success rate: the first outcome sets it, later ones weigh 0.2, none leaves it', async () => {
      const added = await t.inTenant(owner, () => lessons.add(content()));
      expect((await t.inTenant(owner, () => lessons.incrementApplication(added.id, null)))?.successRate).toBeNull();
      expect((await t.inTenant(owner, () => lessons.incrementApplication(added.id, 1)))?.successRate).toBe(1);
      expect((await t.inTenant(owner, () => lessons.incrementApplication(added.id, 0)))?.successRate).toBeCloseTo(0.8);
      const last = await t.inTenant(owner, () => lessons.incrementApplication(added.id, null));
      expect(last).toMatchObject({ applicationCount: 4 });
      expect(last?.successRate).toBeCloseTo(0.8);
      expect(await t.inTenant(stranger, () => lessons.incrementApplication(added.id, 1))).toBeUndefined();
    });
  });

  describe('lists', () => {
    const reader = newPrincipal();
    const neighbour = newPrincipal();
    const byTitle = new Map<string, string>();

    beforeAll(async () => {
      const seeded: [string, Partial<LessonContent>][] = [
        [
          'retry',
          {
            summary: 'Budget the gateway calls',
            details: 'Backoff with jitter',
            tags: ['network', 'payments'],
            sourceAgent: 'backend_dev',
            confidence: 0.9,
          },
        ],
        [
          'summaryOnly',
          {
            title: 'Sandbox accounts',
            summary: 'Use a retry budget per sandbox',
            tags: ['payments'],
            sourceAgent: 'tester',
            confidence: 0.4,
          },
        ],
        [
          'detailsOnly',
          { title: 'Clock skew', summary: 'Freeze the clock in tests', details: 'A retry hid the skew', tags: ['flaky'], confidence: 0.7 },
        ],
        [
          'unrelated',
          {
            title: 'Index the tenant first',
            summary: 'Composite indexes lead with tenant_id',
            category: 'database',
            tags: ['network'],
            confidence: 0.2,
          },
        ],
        ['validated', { title: 'Review migrations twice', summary: 'Locks are taken in order', category: 'database', confidence: 0.6 }],
      ];
      for (const [name, overrides] of seeded) {
        const lesson = await t.inTenant(reader, () =>
          lessons.add(content({ title: name === 'retry' ? 'Retry the payment gateway' : 'Untitled', ...overrides })),
        );
        byTitle.set(name, lesson.id);
      }
      await t.inTenant(reader, () => lessons.change(byTitle.get('validated')!, { humanValidated: true }));
      for (let applied = 0; applied < 3; applied++)
        await t.inTenant(reader, () => lessons.incrementApplication(byTitle.get('detailsOnly')!, null));
      // Another tenant's lessons match every search and filter below: none of them may show.
      for (const overrides of seeded.map(([, lesson]) => lesson)) {
        await t.inTenant(neighbour, () => lessons.add(content({ title: 'Retry the payment gateway', ...overrides, confidence: 1 })));
      }
    });

    const name = (id: string) => [...byTitle].find(([, lessonId]) => lessonId === id)?.[0];

    it.each<[LessonOrdering, string[]]>([
      ['recent', ['validated', 'unrelated', 'detailsOnly', 'summaryOnly', 'retry']],
      ['confidence', ['retry', 'detailsOnly', 'validated', 'summaryOnly', 'unrelated']],
      ['applications', ['detailsOnly', 'validated', 'unrelated', 'summaryOnly', 'retry']],
    ])('orders by %s, and pages through the same order with cursors', async (ordering, expected) => {
      const whole = await t.inTenant(reader, () => lessons.sortedPage(query(), ordering));
      expect(ids(whole).map(name)).toEqual(expected);
      expect(whole.nextCursor).toBeNull();
      expect(await allPages(reader, (page) => lessons.sortedPage(page, ordering), {}, 2)).toEqual(ids(whole));
    });

    it.each<[string, Partial<ListLessonsQuery>, string[]]>([
      ['category', { category: 'database' }, ['validated', 'unrelated']],
      ['any of the tags', { tags: ['flaky', 'network'] }, ['unrelated', 'detailsOnly', 'retry']],
      ['all of the tags', { tags: ['network', 'payments'], tagsMode: 'all' }, ['retry']],
      ['source agent', { sourceAgent: 'tester' }, ['summaryOnly']],
      ['validation', { humanValidated: true }, ['validated']],
      ['no validation', { humanValidated: false, category: 'database' }, ['unrelated']],
      ['minimum confidence', { minConfidence: 0.6 }, ['validated', 'detailsOnly', 'retry']],
      ['a tag nobody has', { tags: ['absent'] }, []],
    ])('filters by %s', async (_filter, filters, expected) => {
      const page = await t.inTenant(reader, () => lessons.sortedPage(query(filters), 'recent'));
      expect(ids(page).map(name)).toEqual(expected);
    });

    it('ranks a title match over a summary match over a details match, and pages the ranking', async () => {
      const search = new LessonSearch('retry');
      const ranked = await t.inTenant(reader, () => lessons.rankedPage(query(), search));
      expect(ids(ranked).map(name)).toEqual(['retry', 'summaryOnly', 'detailsOnly']);
      expect(await allPages(reader, (page) => lessons.rankedPage(page, search), {}, 1)).toEqual(ids(ranked));
    });

    it('combines search and filters, in any ordering', async () => {
      const search = new LessonSearch('retry -sandbox');
      expect(ids(await t.inTenant(reader, () => lessons.rankedPage(query({ tags: ['payments', 'flaky'] }), search))).map(name)).toEqual([
        'retry',
        'detailsOnly',
      ]);
      expect(
        ids(await t.inTenant(reader, () => lessons.sortedPage(query({ minConfidence: 0.8 }), 'confidence', search))).map(name),
      ).toEqual(['retry']);
      expect(ids(await t.inTenant(reader, () => lessons.sortedPage(query(), 'applications', search))).map(name)).toEqual([
        'detailsOnly',
        'retry',
      ]);
    });

    it('finds misspelt words by similarity, still honouring exclusions', async () => {
      const typo = await t.inTenant(reader, () => lessons.resemblingPage(query(), new LessonSearch('sandboxx')));
      expect(ids(typo).map(name)).toEqual(['summaryOnly']);
      expect(ids(await t.inTenant(reader, () => lessons.resemblingPage(query(), new LessonSearch('sandboxx -retry'))))).toEqual([]);
    });

    it('answers an empty page, not an error, when nothing matches', async () => {
      expect(await t.inTenant(reader, () => lessons.rankedPage(query(), new LessonSearch('kubernetes')))).toEqual({
        items: [],
        nextCursor: null,
      });
      expect(await t.inTenant(newPrincipal(), () => lessons.sortedPage(query(), 'recent'))).toEqual({ items: [], nextCursor: null });
    });

    it("never lists another tenant's lessons", async () => {
      const own = new Set(byTitle.values());
      const pages = await Promise.all([
        t.inTenant(reader, () => lessons.sortedPage(query(), 'confidence')),
        t.inTenant(reader, () => lessons.rankedPage(query(), new LessonSearch('retry gateway or budget'))),
        t.inTenant(reader, () => lessons.resemblingPage(query(), new LessonSearch('sandboxx'))),
      ]);
      for (const page of pages) for (const id of ids(page)) expect(own.has(id)).toBe(true);
    });

    it('refuses a cursor of another ordering', async () => {
      const first = await t.inTenant(reader, () => lessons.sortedPage(query({ limit: 1 }), 'confidence'));
      await expect(
        t.inTenant(reader, () => lessons.sortedPage(query({ limit: 1, cursor: first.nextCursor! }), 'recent')),
      ).rejects.toMatchObject({ status: 400 });
    });
  });
});

describe('the typo fallback’s dictionary (lesson_lexemes)', () => {
  const owner = newPrincipal();
  const neighbour = newPrincipal();

  /** The tenant's dictionary, read as the superuser, and the same counted afresh from its lessons. */
  const dictionaries = (principal: Principal) =>
    withAdminClient(async (client) => {
      const read = async (statement: string) =>
        Object.fromEntries((await client.query(statement, [principal.tenantId])).rows.map((row) => [row.lexeme, row.documents]));
      return {
        kept: await read('select lexeme, documents from lesson_lexemes where tenant_id = $1'),
        recounted: await read(`select lexeme, count(*)::int as documents from lessons, unnest(tsvector_to_array(search_vector)) as lexeme
                               where tenant_id = $1 group by lexeme`),
      };
    }, t.database.name);
  const corrected = async (principal: Principal, q: string) =>
    ids(await t.inTenant(principal, () => lessons.resemblingPage(query(), new LessonSearch(q))));

  it('stays exact as lessons are added, changed and removed: a word leaves with its last lesson', async () => {
    const first = await t.inTenant(owner, () => lessons.add(content({ title: 'Zeppelin hangar', summary: 'Hangar doors' })));
    const second = await t.inTenant(owner, () => lessons.add(content({ title: 'Zeppelin mooring' })));
    let { kept, recounted } = await dictionaries(owner);
    expect(kept).toEqual(recounted);
    expect(kept).toMatchObject({ zeppelin: 2, hangar: 1 });

    await t.inTenant(owner, () => lessons.change(first.id, { title: 'Airship hangar' }));
    await t.inTenant(owner, () => lessons.incrementApplication(first.id, 1));
    ({ kept, recounted } = await dictionaries(owner));
    expect(kept).toEqual(recounted);
    expect(kept).toMatchObject({ zeppelin: 1, airship: 1 });

    await t.inTenant(owner, () => lessons.remove(second.id));
    await t.inTenant(owner, () => lessons.remove(first.id));
    expect(await dictionaries(owner)).toEqual({ kept: {}, recounted: {} });
  });

  it('corrects a misspelled word to a word of the tenant’s lessons, and needs every word corrected', async () => {
    const zeppelin = await t.inTenant(owner, () => lessons.add(content({ title: 'Zeppelin hangar', summary: 'Doors open inward' })));
    expect(await t.inTenant(owner, () => lessons.rankedPage(query(), new LessonSearch('zepelin hangr')))).toEqual({
      items: [],
      nextCursor: null,
    });
    expect(await corrected(owner, 'zepelin hangr')).toEqual([zeppelin.id]);
    expect(await corrected(owner, 'zepelin hangr -doors')).toEqual([]);
    expect(await corrected(owner, 'zepelin qqqqqqqq')).toEqual([]);
    expect(await t.inTenant(owner, () => lessons.countResembling({ tagsMode: 'any' }, new LessonSearch('zepelin hangr')))).toBe(1);
  });

  /** The tenant's trigram rows, read as the superuser, and the same computed afresh from its dictionary. */
  const trigramIndexes = (principal: Principal) =>
    withAdminClient(async (client) => {
      const read = async (statement: string) =>
        (await client.query(statement, [principal.tenantId])).rows.map((row) => `${row.lexeme}:${row.trigram}`);
      return {
        kept: await read('select lexeme, trigram from lesson_lexeme_trigrams where tenant_id = $1 order by 1, 2'),
        recomputed: await read(`select lexeme, trigram from lesson_lexemes, unnest(show_trgm(lexeme)) as trigram
                                where tenant_id = $1 and length(lexeme) <= 32 order by 1, 2`),
      };
    }, t.database.name);

  it('keeps the trigrams of every dictionary word of at most 32 letters exact as lessons come, change and go', async () => {
    const longWord = 'x'.repeat(40);
    const first = await t.inTenant(owner, () => lessons.add(content({ title: `Dirigible ${longWord}`, summary: 'Mooring mast' })));
    const second = await t.inTenant(owner, () => lessons.add(content({ title: 'Dirigible ballast' })));
    let { kept, recomputed } = await trigramIndexes(owner);
    expect(kept).toEqual(recomputed);
    expect(kept).toEqual(expect.arrayContaining(['dirig:dir', 'mast:mas', 'ballast:bal']));
    expect(kept.some((row) => row.startsWith(longWord))).toBe(false);

    await t.inTenant(owner, () => lessons.change(first.id, { title: 'Blimp', summary: 'Ballast tanks' }));
    ({ kept, recomputed } = await trigramIndexes(owner));
    expect(kept).toEqual(recomputed);
    expect(kept.some((row) => row.startsWith('mast:'))).toBe(false);
    expect(kept).toEqual(expect.arrayContaining(['blimp:bli', 'dirig:dir']));

    await t.inTenant(owner, () => lessons.remove(second.id));
    await t.inTenant(owner, () => lessons.remove(first.id));
    ({ kept, recomputed } = await trigramIndexes(owner));
    expect(kept).toEqual(recomputed);
    expect(kept.filter((row) => /^(ballast|blimp|dirig):/.test(row))).toEqual([]);
  });

  it('finds corrections through the dictionary’s trigrams: a word without them is never offered', async () => {
    const lesson = await t.inTenant(owner, () => lessons.add(content({ title: 'Quarantine', summary: 'Isolate the flaky suite' })));
    expect(await corrected(owner, 'quarantien')).toEqual([lesson.id]);
    await withAdminClient(
      (client) => client.query(`delete from lesson_lexeme_trigrams where tenant_id = $1 and lexeme = 'quarantin'`, [owner.tenantId]),
      t.database.name,
    );
    expect(await corrected(owner, 'quarantien')).toEqual([]);
    await t.inTenant(owner, () => lessons.remove(lesson.id));
  });

  it('never corrects with another tenant’s words', async () => {
    // Closer to "zepelin" than the owner's "zeppelin", and enough to fill every correction slot if they leaked.
    const theirs = await t.inTenant(neighbour, () => lessons.add(content({ title: 'Zepelin zepelinx zepelinz' })));
    const ours = await t.inTenant(owner, () => lessons.add(content({ title: 'Zeppelin landing' })));
    expect(await corrected(neighbour, 'zepelin')).toEqual([theirs.id]);
    expect(await corrected(owner, 'zepelin landng')).toEqual([ours.id]);
  });
});

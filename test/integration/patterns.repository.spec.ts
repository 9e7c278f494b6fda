import type { ListPatternsQuery } from '../../src/modules/lessons/dto/list-patterns.query.js';
import { PatternRepository } from '../../src/modules/lessons/pattern.repository.js';
import { newPrincipal, startTestContext, type TestContext } from '../support/test-context.js';

let t: TestContext;
let patterns: PatternRepository;

beforeAll(async () => {
  t = await startTestContext();
  patterns = t.get(PatternRepository);
});

afterAll(async () => {
  await t?.close();
});

function query(overrides: Partial<ListPatternsQuery> = {}): ListPatternsQuery {
  return { limit: 50, sort: 'frequency', ...overrides } as ListPatternsQuery;
}

describe('PatternRepository', () => {
  it('counts every one of concurrent reports of the same pattern, whatever its key order', async () => {
    const reporter = newPrincipal();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        t.inTenant(reporter, () =>
          patterns.countOccurrence({ type: 'race', agentType: 'tester', pattern: index % 2 ? { a: 1, b: [1, 2] } : { b: [1, 2], a: 1 } }),
        ),
      ),
    );
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(new Set(results.map((result) => result.pattern.id)).size).toBe(1);
    const stored = await t.inTenant(reporter, () => patterns.view(results[0].pattern.id));
    expect(stored).toMatchObject({ type: 'race', agentType: 'tester', pattern: { a: 1, b: [1, 2] }, frequency: 10 });
  });

  it('keeps patterns apart by type, agent type (none included) and tenant', async () => {
    const reporter = newPrincipal();
    const neighbour = newPrincipal();
    const occurrence = { type: 'flaky', agentType: null, pattern: { test: 'checkout' } };
    const first = await t.inTenant(reporter, () => patterns.countOccurrence(occurrence));
    const again = await t.inTenant(reporter, () => patterns.countOccurrence(occurrence));
    const byAgent = await t.inTenant(reporter, () => patterns.countOccurrence({ ...occurrence, agentType: 'tester' }));
    const elsewhere = await t.inTenant(neighbour, () => patterns.countOccurrence(occurrence));
    expect(first).toMatchObject({ created: true, pattern: { frequency: 1, agentType: null } });
    expect(again).toMatchObject({ created: false, pattern: { id: first.pattern.id, frequency: 2 } });
    expect(byAgent.created).toBe(true);
    expect(elsewhere).toMatchObject({ created: true, pattern: { frequency: 1 } });
    expect(elsewhere.pattern.id).not.toBe(first.pattern.id);
    expect(await t.inTenant(neighbour, () => patterns.view(first.pattern.id))).toBeUndefined();
    expect(await t.inTenant(neighbour, () => patterns.remove(first.pattern.id))).toBe(false);
    expect(await t.inTenant(reporter, () => patterns.remove(first.pattern.id))).toBe(true);
    expect(await t.inTenant(reporter, () => patterns.view(first.pattern.id))).toBeUndefined();
  });

  describe('lists', () => {
    const reader = newPrincipal();

    beforeAll(async () => {
      const reports: [string, number][] = [
        ['rare', 1],
        ['common', 4],
        ['middling', 2],
        ['also-middling', 2],
      ];
      for (const [type, times] of reports) {
        for (let seen = 0; seen < times; seen++)
          await t.inTenant(reader, () => patterns.countOccurrence({ type, agentType: type === 'common' ? 'reviewer' : null, pattern: {} }));
      }
      await t.inTenant(newPrincipal(), () => patterns.countOccurrence({ type: 'common', agentType: 'reviewer', pattern: {} }));
    });

    const types = async (listed: ListPatternsQuery) =>
      (await t.inTenant(reader, () => patterns.page(listed))).items.map((pattern) => pattern.type);

    it("orders by frequency or by when last seen, only the tenant's own", async () => {
      const byFrequency = await types(query());
      expect(byFrequency[0]).toBe('common');
      expect(byFrequency.slice(1, 3).sort()).toEqual(['also-middling', 'middling']);
      expect(byFrequency[3]).toBe('rare');
      expect(await types(query({ sort: 'recent' }))).toEqual(['also-middling', 'middling', 'common', 'rare']);
    });

    it('filters by type and agent type', async () => {
      expect(await types(query({ type: 'middling' }))).toEqual(['middling']);
      expect(await types(query({ agentType: 'reviewer' }))).toEqual(['common']);
      expect(await types(query({ agentType: 'tester' }))).toEqual([]);
    });

    it.each<ListPatternsQuery['sort']>(['frequency', 'recent'])(
      'pages by %s with cursors, neither skipping nor repeating',
      async (sort) => {
        const whole = await types(query({ sort }));
        const paged: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await t.inTenant(reader, () => patterns.page(query({ sort, limit: 1, cursor })));
          paged.push(...page.items.map((pattern) => pattern.type));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(paged).toEqual(whole);
      },
    );
  });
});

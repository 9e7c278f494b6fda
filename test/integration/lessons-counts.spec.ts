import pg from 'pg';
import type { LessonFiltersQuery } from '../../src/modules/lessons/dto/list-lessons.query.js';
import { type LessonContent, LessonRepository } from '../../src/modules/lessons/lesson.repository.js';
import { LessonSearch, TYPO_SIMILARITY } from '../../src/modules/lessons/lesson-search.js';
import { LessonsService } from '../../src/modules/lessons/lessons.service.js';
import { PatternRepository } from '../../src/modules/lessons/pattern.repository.js';
import type { Principal } from '../../src/platform/auth/principal.js';
import { captureStatements } from '../support/statement-capture.js';
import { newPrincipal, startTestContext, type TestContext } from '../support/test-context.js';
import { withOwnerClient } from '../support/test-database.js';

let t: TestContext;
let lessons: LessonRepository;
let service: LessonsService;
let patterns: PatternRepository;

beforeAll(async () => {
  t = await startTestContext();
  lessons = t.get(LessonRepository);
  service = t.get(LessonsService);
  patterns = t.get(PatternRepository);
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

const filters = (overrides: Partial<LessonFiltersQuery> = {}) => ({ tagsMode: 'any', ...overrides }) as LessonFiltersQuery;

/**
 * The plans of the statements `work` sends as `principal` (EXPLAIN without ANALYZE, as the runtime
 * role in the tenant's transaction, row-level security on), with the typo fallback's threshold set.
 */
async function plansOf(principal: Principal, work: () => Promise<unknown>): Promise<string> {
  const statements = await captureStatements(principal, () => t.inTenant(principal, work));
  const client = new pg.Client({ connectionString: t.database.runtimeUrl });
  await client.connect();
  try {
    await client.query('begin');
    await client.query("select set_config('app.tenant_id', $1, true), set_config('pg_trgm.word_similarity_threshold', $2, true)", [
      principal.tenantId,
      String(TYPO_SIMILARITY),
    ]);
    const plans: string[] = [];
    for (const { text, values } of statements) {
      const { rows } = await client.query(`explain (costs off) ${text}`, values);
      plans.push(rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n'));
    }
    await client.query('rollback');
    return plans.join('\n\n');
  } finally {
    await client.end();
  }
}

describe('LessonRepository counts', () => {
  const owner = newPrincipal();
  const stranger = newPrincipal();

  beforeAll(async () => {
    await t.inTenant(owner, async () => {
      await lessons.add(
        content({
          title: 'Timeout in the payment gateway',
          summary: 'Retries need a budget.',
          tags: ['payments'],
          confidence: 0.6,
          sourceAgent: 'backend_dev',
        }),
      );
      await lessons.add(
        content({
          title: 'Flaky checkout tests',
          summary: 'Wall time.',
          details: 'A timeout hid here too.',
          tags: ['testing'],
          confidence: 0.9,
          sourceAgent: 'tester',
        }),
      );
      await lessons.add(
        content({
          category: 'review',
          title: 'Reviewer wants down migrations',
          summary: 'Down-steps or rejection.',
          tags: ['review', 'migrations'],
          confidence: 0.3,
        }),
      );
    });
    await t.inTenant(stranger, async () => {
      await lessons.add(
        content({
          title: 'Timeout elsewhere',
          summary: 'Not yours.',
          tags: ['payments', 'review'],
          confidence: 0.95,
          sourceAgent: 'tester',
        }),
      );
    });
  });

  it.each<[string, Partial<LessonFiltersQuery>, number]>([
    ['nothing', {}, 3],
    ['a category', { category: 'review' }, 1],
    ['any of two tags', { tags: ['payments', 'review'] }, 2],
    ['all of two tags', { tags: ['review', 'migrations'], tagsMode: 'all' }, 1],
    ['an agent', { sourceAgent: 'tester' }, 1],
    ['validation', { humanValidated: false }, 3],
    ['a least confidence', { minConfidence: 0.6 }, 2],
    ['a least confidence and a tag', { minConfidence: 0.7, tags: ['payments'] }, 0],
  ])('counts the tenant’s lessons for %s', async (_case, given, expected) => {
    expect(await t.inTenant(owner, () => lessons.countMatching(filters(given)))).toBe(expected);
  });

  it('counts full-text matches, and the typo fallback’s only when asked', async () => {
    expect(await t.inTenant(owner, () => lessons.countMatching(filters(), new LessonSearch('timeout')))).toBe(2);
    expect(await t.inTenant(owner, () => lessons.countMatching(filters({ minConfidence: 0.8 }), new LessonSearch('timeout')))).toBe(1);
    expect(await t.inTenant(owner, () => lessons.countMatching(filters(), new LessonSearch('reviewr')))).toBe(0);
    expect(await t.inTenant(owner, () => lessons.countResembling(filters(), new LessonSearch('reviewr')))).toBe(1);
    expect(await t.inTenant(owner, () => lessons.countResembling(filters(), new LessonSearch('reviewr -migrations')))).toBe(0);
  });

  it('answers like the list: the fallback only when full text finds nothing and the words can fall back', async () => {
    const count = (q: string, given: Partial<LessonFiltersQuery> = {}) => t.inTenant(owner, () => service.count(filters({ ...given, q })));
    expect(await count('timeout')).toEqual({ count: 2 });
    expect(await count('reviewr')).toEqual({ count: 1 });
    expect(await count('reviewr', { category: 'testing' })).toEqual({ count: 0 });
    expect(await count('- -')).toEqual({ count: 0 });
    expect(await count('ab')).toEqual({ count: 0 });
    for (const q of ['timeout', 'reviewr', 'timeout -gateway', 'ab']) {
      const listed = await t.inTenant(owner, () => service.list({ ...filters({ q }), limit: 200 }));
      expect({ q, ...(await count(q)) }).toEqual({ q, count: listed.items.length });
    }
  });

  it('never counts another tenant’s lessons', async () => {
    expect(await t.inTenant(stranger, () => lessons.countMatching(filters()))).toBe(1);
    expect(await t.inTenant(stranger, () => lessons.countMatching(filters({ category: 'review' })))).toBe(0);
    expect(await t.inTenant(stranger, () => lessons.countResembling(filters(), new LessonSearch('reviewr')))).toBe(0);
    expect(await t.inTenant(newPrincipal(), () => service.count(filters({ q: 'timeout' })))).toEqual({ count: 0 });
  });
});

describe('PatternRepository counts', () => {
  const owner = newPrincipal();
  const stranger = newPrincipal();

  beforeAll(async () => {
    await t.inTenant(owner, async () => {
      await patterns.countOccurrence({ type: 'flaky_test', agentType: 'tester', pattern: { a: 1 } });
      await patterns.countOccurrence({ type: 'flaky_test', agentType: 'tester', pattern: { a: 1 } });
      await patterns.countOccurrence({ type: 'flaky_test', agentType: null, pattern: { a: 2 } });
      await patterns.countOccurrence({ type: 'slow_build', agentType: 'tester', pattern: { a: 3 } });
    });
    await t.inTenant(stranger, () => patterns.countOccurrence({ type: 'flaky_test', agentType: 'tester', pattern: { a: 1 } }));
  });

  it.each([
    [{}, 3],
    [{ type: 'flaky_test' }, 2],
    [{ agentType: 'tester' as const }, 2],
    [{ type: 'flaky_test', agentType: 'tester' as const }, 1],
    [{ type: 'unknown' }, 0],
  ])('counts patterns (not occurrences) for %j, the tenant’s only', async (given, expected) => {
    expect(await t.inTenant(owner, () => patterns.countMatching(given))).toBe(expected);
  });

  it('never counts another tenant’s patterns', async () => {
    expect(await t.inTenant(stranger, () => patterns.countMatching({}))).toBe(1);
    expect(await t.inTenant(stranger, () => patterns.countMatching({ type: 'slow_build' }))).toBe(0);
  });
});

/**
 * The plans on a table where the tenant is a small part of the rows: every count reads the tenant's
 * range of an index, never the table. Leakproof comparisons (confidence, pattern type and agent type)
 * are index conditions of their own. Full-text, trigram and array matches are not leakproof, so under
 * the forced row-level security of the runtime role PostgreSQL may not evaluate them inside an index
 * ahead of the tenant policy: they filter the tenant's rows (the GIN indexes serve the tenant range
 * only). That bound — the tenant's lessons, not the table — is the documented cost of these counts.
 */
describe('count plans', () => {
  const small = newPrincipal();
  const big = newPrincipal();

  beforeAll(async () => {
    const seed = (principal: Principal, rows: number, rare: boolean) =>
      withOwnerClient(t.database, async (client) => {
        await client.query('begin');
        await client.query("select set_config('app.tenant_id', $1, true)", [principal.tenantId]);
        await client.query(
          `insert into lessons (id, tenant_id, category, title, summary, tags, source_agent, confidence, human_validated, created_at, updated_at)
           select gen_random_uuid(), $1, 'c' || (n % 50), 'Lesson number ' || n || case when $3 and n % 500 = 0 then ' zeppelin' else '' end,
             'About step ' || (n % 97), array['tag' || (n % 40)] || case when $3 and n % 700 = 0 then array['rare'] else array[]::text[] end,
             case when n % 3 = 0 then 'tester' end, (n % 1000) / 1000.0, n % 11 = 0, now() - n * interval '1 minute', now()
           from generate_series(1, $2) n`,
          [principal.tenantId, rows, rare],
        );
        await client.query(
          `insert into patterns (id, tenant_id, type, agent_type, pattern, frequency, last_seen, created_at)
           select gen_random_uuid(), $1, 'type' || (n % 30), case when n % 4 = 0 then 'tester' end, jsonb_build_object('n', n), 1, now(), now()
           from generate_series(1, $2) n`,
          [principal.tenantId, rows],
        );
        await client.query('commit');
      });
    await seed(small, 3_000, true);
    await seed(big, 30_000, false);
    await withOwnerClient(t.database, (client) => client.query('vacuum analyze lessons, lesson_lexemes, lesson_lexeme_trigrams, patterns'));
  }, 120_000);

  /** Read from an index whose condition names the tenant: never a scan of the table. */
  const tenantRange = (plan: string, principal: Principal) => {
    expect(plan).not.toMatch(/Seq Scan/);
    expect(plan).toContain(`tenant_id = '${principal.tenantId}'::text`);
    expect(plan).toMatch(/Index (Only )?Scan|Bitmap Index Scan/);
  };

  it('reads the tenant’s range of an index, without filters', async () => {
    const plan = await plansOf(small, () => lessons.countMatching(filters()));
    tenantRange(plan, small);
    // The (tenant_id, id) key index-only, or a bitmap of another tenant-first index: their costs are close.
    expect(plan).toMatch(/(Index Only Scan using|Bitmap Index Scan on) lessons_(pkey|tenant_\w+_idx)/);
    expect(await plansOf(small, () => patterns.countMatching({}))).toMatch(/Index Only Scan using patterns_\w+/);
  });

  it.each<[string, () => Promise<unknown>, RegExp]>([
    [
      'a least confidence',
      () => lessons.countMatching(filters({ minConfidence: 0.99 })),
      /Index Only Scan using lessons_tenant_confidence_idx[\s\S]*Index Cond: \(\(tenant_id = .*\) AND \(confidence >= /,
    ],
    [
      'a pattern type',
      () => patterns.countMatching({ type: 'type7' }),
      /Index Only Scan using patterns_identity_key[\s\S]*Index Cond: \(\(tenant_id = .*\) AND \(type = /,
    ],
    [
      'a pattern type and agent type',
      () => patterns.countMatching({ type: 'type8', agentType: 'tester' }),
      /patterns_identity_key[\s\S]*AND \(agent_type = /,
    ],
  ])('reads %s as an index condition', async (_case, work, plan) => {
    const explained = await plansOf(small, work);
    tenantRange(explained, small);
    expect(explained).toMatch(plan);
  });

  it.each<[string, () => Promise<unknown>, RegExp]>([
    ['a search', () => lessons.countMatching(filters(), new LessonSearch('zeppelin')), /Filter: \(search_vector @@/],
    [
      'the typo fallback',
      () => lessons.countResembling(filters(), new LessonSearch('zepelin')),
      /Scan (using|on) lesson_lexeme_trigrams_pkey[\s\S]*Index Cond: \(\(tenant_id = .*\) AND \(trigram = ANY [\s\S]*Filter: \(search_vector @@/,
    ],
    ['a tag', () => lessons.countMatching(filters({ tags: ['rare'] })), /Filter: \(tags && /],
    ['a category', () => lessons.countMatching(filters({ category: 'c7' })), /Filter: \(category = /],
    ['a source agent', () => lessons.countMatching(filters({ sourceAgent: 'tester' })), /Filter: \(source_agent = /],
    ['validation', () => lessons.countMatching(filters({ humanValidated: true })), /Filter: human_validated|Filter: \(human_validated/],
    ['an agent type alone', () => patterns.countMatching({ agentType: 'tester' }), /agent_type = /],
  ])('reads %s within the tenant’s index range, never the table', async (_case, work, filter) => {
    const plan = await plansOf(small, work);
    tenantRange(plan, small);
    expect(plan).toMatch(filter);
  });
});

import type { INestApplicationContext } from '@nestjs/common';
import pg from 'pg';
import type { ListLessonsQuery } from '../src/modules/lessons/dto/list-lessons.query.js';
import { LessonsService } from '../src/modules/lessons/lessons.service.js';
import { principalOf } from '../src/platform/auth/principal.js';
import { explainCalls } from './explain.js';

/** Words the generated lessons are made of: enough variety for realistic text search. */
const VOCABULARY = `timeout retry budget gateway payment mock sandbox flaky test checkout clock migration reviewer rollback
deploy canary feature flag cache invalidation queue backlog worker deadlock index query plan vacuum bloat schema
contract api version client server latency throughput memory leak heap profile trace span log metric alert
dashboard widget chart filter tenant isolation policy token secret rotation key audit trail export stream
prompt agent orchestrator architect developer tester review approval artifact lineage dependency cycle graph
docker compose kubernetes pod node cluster region failover backup restore snapshot replica lag partition shard
typescript javascript compiler lint format build bundle package lockfile upgrade security patch vulnerability
cors header cookie session csrf xss injection escape sanitize validate schema payload limit pagination cursor
offset keyset sort rank search trigram phrase stemming dictionary language english spelling typo fuzzy match`
  .split(/\s+/)
  .filter(Boolean);
export const LESSON_TAGS = Array.from({ length: 30 }, (_, index) => `tag-${index + 1}`);

/**
 * Admin tooling for the benchmark only: writes lessons straight into the table as a superuser
 * (bypassing row-level security) with generate_series; words are picked by a fixed hash of the row
 * number, so every run seeds the same data.
 */
export async function seedLessonsAsSuperuser(adminDatabaseUrl: string, tenants: number, lessonsPerTenant: number): Promise<number> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl });
  await client.connect();
  const words = (count: number, salt: number) =>
    Array.from({ length: count }, (_, k) => `w[1 + ((n * ${7919 + k * 31} + t * ${104729 + salt}) % ${VOCABULARY.length})]`).join(
      ` || ' ' || `,
    );
  try {
    await client.query("set maintenance_work_mem = '256MB'");
    const { rowCount } = await client.query(
      `with vocabulary as (select $3::text[] as w, $4::text[] as tags)
       insert into lessons (id, tenant_id, category, title, summary, details, tags, source_agent, confidence,
                            application_count, success_rate, human_validated, created_at, updated_at)
       select uuidv7(), 'bench-tenant-' || t, 'category-' || (n % 12),
              ${words(5, 1)}, ${words(14, 2)}, ${words(30, 3)},
              array[tags[1 + (n % 30)], tags[1 + ((n * 7) % 30)], tags[1 + ((n * 13) % 30)]],
              (array['orchestrator','architect','backend_dev','tester','reviewer'])[1 + n % 5],
              ((n * 37) % 100) / 100.0, (n * 11) % 500, case when n % 3 = 0 then null else ((n * 17) % 100) / 100.0 end, n % 10 = 0,
              now() - make_interval(secs => n * 60), now() - make_interval(secs => n * 60)
       from vocabulary, generate_series(1, $1::int) as t, generate_series(1, $2::int) as n`,
      [tenants, lessonsPerTenant, VOCABULARY, LESSON_TAGS],
    );
    // The typo fallback's dictionary and its trigrams, filled by triggers as the lessons were inserted.
    await client.query('analyze lessons, lesson_lexemes, lesson_lexeme_trigrams');
    return rowCount ?? 0;
  } finally {
    await client.end();
  }
}

/** The lessons list's statements (search, typo fallback, tags), explained as the tenant. */
export function explainLessonQueries(runtimeUrl: string, tenant: string, q: string, typos: string, tags: string[]): Promise<string> {
  const list = (query: Partial<ListLessonsQuery>) => (app: INestApplicationContext) =>
    app.get(LessonsService, { strict: false }).list({ limit: 50, tagsMode: 'any', ...query } as ListLessonsQuery);
  return explainCalls(runtimeUrl, principalOf(tenant, 'bench-user', []), [
    [`search q=${q}`, list({ q })],
    [`typo fallback q=${typos} (the ranked search finds nothing, then the fallback)`, list({ q: typos })],
    [`tags=${tags.join(',')}`, list({ tags })],
  ]);
}

import type { Expression, SqlBool } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { EXAMPLE_ID, RecordSql } from '../../platform/database/sql/record-sql.decorator.js';
import { isoInstant, queryRow, queryRows, sql } from '../../platform/database/sql/sql.js';
import { TenantRepository } from '../../platform/database/tenant-repository.js';
import { keysetPage, type SortKey } from '../../platform/pagination/keyset.js';
import type { Page } from '../../platform/pagination/page.js';
import type { AgentType } from '../shared/agent-type.js';
import type { ListPatternsQuery, PatternFiltersQuery } from './dto/list-patterns.query.js';
import type { LessonTables } from './lessons.tables.js';
import type { Pattern } from './pattern.entity.js';
import type { PatternView } from './pattern.view.js';

/** One occurrence of a pattern, as reported. */
export interface PatternOccurrence {
  type: string;
  agentType: AgentType | null;
  pattern: unknown;
}

const PATTERN_SORT_KEYS: Record<ListPatternsQuery['sort'], SortKey<PatternView>> = {
  frequency: { name: 'frequency', expression: (alias) => sql.ref(`${alias}.frequency`), type: 'int4', valueOf: (row) => row.frequency },
  recent: { name: 'last-seen', expression: (alias) => sql.ref(`${alias}.last_seen`), type: 'timestamptz', valueOf: (row) => row.lastSeen },
};

const EXAMPLE_OCCURRENCE: PatternOccurrence = { type: 'flaky_test', agentType: 'tester', pattern: { test: 'checkout', cause: 'clock' } };

/**
 * The SQL of patterns. Statements name the tenant themselves (Kysely is not filtered by the ORM), and
 * row-level security holds underneath regardless.
 */
export class PatternRepository extends TenantRepository<Pattern> {
  /**
   * Counts one occurrence: a new pattern starts at 1, a known one (same type, agent type and JSON,
   * whatever its key order) goes up by one. A single upsert statement, so concurrent reports all count.
   */
  @RecordSql([EXAMPLE_OCCURRENCE])
  async countOccurrence(occurrence: PatternOccurrence): Promise<{ pattern: PatternView; created: boolean }> {
    const { created, ...pattern } = (await queryRow(
      this.em,
      sql<PatternView & { created: boolean }>`
        insert into patterns (id, tenant_id, type, agent_type, pattern, frequency, last_seen, created_at)
        values (${uuidv7()}, ${this.tenantId()}, ${occurrence.type}, ${occurrence.agentType}, ${JSON.stringify(occurrence.pattern)}::jsonb, 1, now(), now())
        on conflict (tenant_id, type, agent_type, pattern_hash)
        do update set frequency = patterns.frequency + 1, last_seen = greatest(patterns.last_seen, excluded.last_seen)
        returning ${sql.join(viewColumns())}, (xmax = 0) as created`,
    ))!;
    return { pattern, created };
  }

  @RecordSql([EXAMPLE_ID])
  view(id: string): Promise<PatternView | undefined> {
    return queryRow(this.em, this.selectViews().where('p.id', '=', id));
  }

  @RecordSql([EXAMPLE_ID])
  async remove(id: string): Promise<boolean> {
    const rows = await queryRows(
      this.em,
      this.kysely().deleteFrom('patterns').where('tenant_id', '=', this.tenantId()).where('id', '=', id).returning('id'),
    );
    return rows.length > 0;
  }

  @RecordSql([{ limit: 50, sort: 'frequency' }], [{ limit: 50, sort: 'recent', type: 'flaky_test', agentType: 'tester' }])
  page(query: ListPatternsQuery): Promise<Page<PatternView>> {
    const select = patternFilters(query).reduce((statement, condition) => statement.where(condition), this.selectViews());
    return keysetPage(this.em, select, 'p', query, PATTERN_SORT_KEYS[query.sort]);
  }

  /**
   * Exact; index-only on the tenant's identity key (tenant, type, agent type, …) whatever the filters
   * (with agentType alone, PostgreSQL 18 skips through its type prefix).
   */
  @RecordSql([{}], [{ type: 'flaky_test', agentType: 'tester' }])
  async countMatching(filters: PatternFiltersQuery): Promise<number> {
    const select = patternFilters(filters).reduce(
      (statement, condition) => statement.where(condition),
      this.kysely().selectFrom('patterns as p').select(sql<number>`count(*)::int`.as('count')).where('p.tenant_id', '=', this.tenantId()),
    );
    return (await queryRow(this.em, select))!.count;
  }

  private selectViews() {
    return this.kysely().selectFrom('patterns as p').select(viewColumns('p')).where('p.tenant_id', '=', this.tenantId());
  }

  private kysely() {
    return this.em.getKysely<LessonTables>();
  }
}

/** The filters of the list and the count over alias `p`, each value bound. */
function patternFilters(filters: PatternFiltersQuery): Expression<SqlBool>[] {
  const conditions: Expression<SqlBool>[] = [];
  if (filters.type) conditions.push(sql<SqlBool>`${sql.ref('p.type')} = ${filters.type}`);
  if (filters.agentType) conditions.push(sql<SqlBool>`${sql.ref('p.agent_type')} = ${filters.agentType}`);
  return conditions;
}

/** The columns of a pattern's view, as its property names. */
function viewColumns(alias?: string) {
  const column = (name: string) => (alias ? `${alias}.${name}` : name);
  return [
    sql.ref<string>(column('id')).as('id'),
    sql.ref<string>(column('type')).as('type'),
    sql.ref<AgentType | null>(column('agent_type')).as('agentType'),
    sql.ref<unknown>(column('pattern')).as('pattern'),
    sql.ref<number>(column('frequency')).as('frequency'),
    isoInstant(sql.ref(column('last_seen'))).as('lastSeen'),
    isoInstant(sql.ref(column('created_at'))).as('createdAt'),
  ];
}

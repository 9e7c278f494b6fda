import { v7 as uuidv7 } from 'uuid';
import { EXAMPLE_ID, RecordSql } from '../../platform/database/sql/record-sql.decorator.js';
import { queryRow, queryRows, sql } from '../../platform/database/sql/sql.js';
import { TenantRepository } from '../../platform/database/tenant-repository.js';
import { encodeCursor, keysetPage } from '../../platform/pagination/keyset.js';
import type { Page } from '../../platform/pagination/page.js';
import type { AgentType } from '../shared/agent-type.js';
import type { LessonFiltersQuery, LessonSort, ListLessonsQuery } from './dto/list-lessons.query.js';
import type { Lesson } from './lesson.entity.js';
import { type LessonView, lessonView } from './lesson.view.js';
import { lessonFilters } from './lesson-filters.js';
import { LESSON_SORT_KEYS, type LessonCondition, LessonSearch, type LessonSelection, type RankedLesson } from './lesson-search.js';
import type { LessonTables } from './lessons.tables.js';

/** What a client writes of a lesson. */
export interface LessonContent {
  category: string;
  title: string;
  summary: string;
  details: string | null;
  tags: string[];
  sourceAgent: AgentType | null;
  taskId: string | null;
  confidence: number;
}

/** What a change may set: the content, and whether a human vouches for it. */
export type LessonChanges = Partial<LessonContent> & { humanValidated?: boolean };

/** The orderings of a list that are not a search score. */
export type LessonOrdering = Exclude<LessonSort, 'relevance'>;

const EXAMPLE_CONTENT: LessonContent = {
  category: 'testing',
  title: 'Mock the payment gateway',
  summary: 'Flaky checkout tests came from the sandbox',
  details: null,
  tags: ['payments', 'flaky'],
  sourceAgent: 'tester',
  taskId: null,
  confidence: 0.8,
};
const EXAMPLE_FILTERS = {
  limit: 50,
  category: 'testing',
  tags: ['payments', 'flaky'],
  tagsMode: 'all',
  sourceAgent: 'tester',
  humanValidated: true,
  minConfidence: 0.5,
} as const;
const EXAMPLE_CURSOR = encodeCursor(LESSON_SORT_KEYS.recent, { id: EXAMPLE_ID, createdAt: '2026-01-01 00:00:00+00' } as RankedLesson);
const EXAMPLE_SEARCH = new LessonSearch('"payment gateway" retry -sandbox');

/**
 * The SQL of lessons, every value a bound parameter (tags and search text included: node-postgres
 * quotes each array element, so no value is ever read as syntax). Statements name the tenant
 * themselves (Kysely is not filtered by the ORM), and row-level security holds underneath regardless.
 */
export class LessonRepository extends TenantRepository<Lesson> {
  @RecordSql([EXAMPLE_CONTENT])
  async add(content: LessonContent): Promise<LessonView> {
    const now = new Date();
    const row = {
      id: uuidv7(),
      tenant_id: this.tenantId(),
      category: content.category,
      title: content.title,
      summary: content.summary,
      details: content.details,
      tags: content.tags,
      source_agent: content.sourceAgent,
      task_id: content.taskId,
      confidence: content.confidence,
      created_at: now,
      updated_at: now,
    };
    return lessonView((await queryRow(this.em, this.kysely().insertInto('lessons').values(row).returning(viewColumns())))!);
  }

  @RecordSql([EXAMPLE_ID])
  async view(id: string): Promise<LessonView | undefined> {
    const row = await queryRow(this.em, this.selectViews().where('l.id', '=', id));
    return row && lessonView(row);
  }

  /** The lesson, locked until the unit of work ends: a change decided on what it read cannot be overtaken. */
  @RecordSql([EXAMPLE_ID])
  async lockedForChange(id: string): Promise<LessonView | undefined> {
    const row = await queryRow(this.em, this.selectViews().where('l.id', '=', id).forUpdate());
    return row && lessonView(row);
  }

  /** Changes the lesson in one statement; undefined when the tenant has no such lesson. */
  @RecordSql([EXAMPLE_ID, { title: 'Mock the gateway', tags: ['payments'], confidence: 0.9 }], [EXAMPLE_ID, { humanValidated: true }])
  async change(id: string, changes: LessonChanges): Promise<LessonView | undefined> {
    const row = await queryRow(
      this.em,
      this.kysely()
        .updateTable('lessons')
        .set({ ...columnsOf(changes), updated_at: new Date() })
        .where('tenant_id', '=', this.tenantId())
        .where('id', '=', id)
        .returning(viewColumns()),
    );
    return row && lessonView(row);
  }

  @RecordSql([EXAMPLE_ID])
  async remove(id: string): Promise<boolean> {
    const rows = await queryRows(
      this.em,
      this.kysely().deleteFrom('lessons').where('tenant_id', '=', this.tenantId()).where('id', '=', id).returning('id'),
    );
    return rows.length > 0;
  }

  /**
   * Counts one application, atomically in the database: concurrent calls never lose one. With an
   * outcome (1 or 0), successRate becomes it the first time, then 0.8 × old + 0.2 × outcome.
   */
  @RecordSql([EXAMPLE_ID, 1], [EXAMPLE_ID, null])
  async incrementApplication(id: string, outcome: 0 | 1 | null): Promise<LessonView | undefined> {
    const successRate = sql.ref('success_rate');
    const row = await queryRow(
      this.em,
      this.kysely()
        .updateTable('lessons')
        .set({
          application_count: sql`${sql.ref('application_count')} + 1`,
          ...(outcome !== null && {
            success_rate: sql<number>`case when ${successRate} is null then ${outcome}::float8 else 0.8 * ${successRate} + 0.2 * ${outcome}::float8 end`,
          }),
          updated_at: new Date(),
        })
        .where('tenant_id', '=', this.tenantId())
        .where('id', '=', id)
        .returning(viewColumns()),
    );
    return row && lessonView(row);
  }

  /** A page of the lessons the filters (and the search, if any) match, in a fixed order. */
  @RecordSql(
    [{ limit: 50 }, 'recent'],
    [{ limit: 50, cursor: EXAMPLE_CURSOR }, 'recent'],
    [EXAMPLE_FILTERS, 'applications', EXAMPLE_SEARCH],
  )
  sortedPage(query: ListLessonsQuery, ordering: LessonOrdering, search?: LessonSearch): Promise<Page<LessonView>> {
    const key = LESSON_SORT_KEYS[ordering];
    return this.page(query, search ? search.sortedBy(key) : { key });
  }

  /** A page of the lessons the search matches, most relevant first. */
  @RecordSql([{ limit: 50 }, EXAMPLE_SEARCH], [EXAMPLE_FILTERS, EXAMPLE_SEARCH])
  rankedPage(query: ListLessonsQuery, search: LessonSearch): Promise<Page<LessonView>> {
    return this.page(query, search.ranked());
  }

  /**
   * A page of the lessons the search finds once its misspelled words are corrected from the tenant's
   * dictionary (the typo fallback), most relevant first.
   */
  @RecordSql([{ limit: 50 }, new LessonSearch('retyr budgte -gateway')])
  resemblingPage(query: ListLessonsQuery, search: LessonSearch): Promise<Page<LessonView>> {
    return this.page(query, search.corrected(this.tenantId()));
  }

  /**
   * How many lessons the filters (and the search's full-text match, if any) select: exact. Served by
   * the tenant's search GIN index with a search, the tags GIN index with tags, the confidence index
   * with minConfidence; category, sourceAgent and humanValidated alone have no index of their own and
   * read the tenant's rows.
   */
  @RecordSql([{ tagsMode: 'any' }], [EXAMPLE_FILTERS, EXAMPLE_SEARCH])
  countMatching(filters: LessonFiltersQuery, search?: LessonSearch): Promise<number> {
    return this.countWhere(filters, search?.matches());
  }

  /** How many lessons the typo fallback would list, with the filters. */
  @RecordSql([{ tagsMode: 'any' }, new LessonSearch('retyr budgte -gateway')])
  countResembling(filters: LessonFiltersQuery, search: LessonSearch): Promise<number> {
    return this.countWhere(filters, search.correctedMatches(this.tenantId()));
  }

  private async countWhere(filters: LessonFiltersQuery, condition?: LessonCondition): Promise<number> {
    const conditions = [...(condition ? [condition('l')] : []), ...lessonFilters(filters, 'l')];
    const select = conditions.reduce(
      (statement, where) => statement.where(where),
      this.kysely().selectFrom('lessons as l').select(sql<number>`count(*)::int`.as('count')).where('l.tenant_id', '=', this.tenantId()),
    );
    return (await queryRow(this.em, select))!.count;
  }

  /**
   * The lessons (with their score, if the selection has one) are a subquery that PostgreSQL inlines:
   * the keyset frame around it orders and compares by its columns, the score included.
   */
  private async page(query: ListLessonsQuery, { key, condition, score }: LessonSelection): Promise<Page<LessonView>> {
    const conditions = [...(condition ? [condition('l')] : []), ...lessonFilters(query, 'l')];
    const lessons = conditions
      .reduce(
        (statement, where) => statement.where(where),
        this.kysely().selectFrom('lessons as l').selectAll('l').where('l.tenant_id', '=', this.tenantId()),
      )
      .$if(score !== undefined, (statement) => statement.select(sql<number>`${score!('l')}`.as('rank')));
    const select = this.kysely()
      .selectFrom(lessons.as('l'))
      .select(viewColumns('l'))
      .$if(score !== undefined, (statement) => statement.select(sql.ref<number>('l.rank').as('rank')))
      .$castTo<RankedLesson>();
    const page = await keysetPage(this.em, select, 'l', query, key);
    return { ...page, items: page.items.map(({ rank: _rank, ...lesson }) => lessonView(lesson)) };
  }

  private selectViews() {
    return this.kysely().selectFrom('lessons as l').select(viewColumns('l')).where('l.tenant_id', '=', this.tenantId());
  }

  private kysely() {
    return this.em.getKysely<LessonTables>();
  }
}

/** The columns of a lesson's view, as its property names (timestamps as the connection hands them: text). Exported for the benchmark's thin twin. */
export function viewColumns(alias?: string) {
  const column = (name: string) => (alias ? `${alias}.${name}` : name);
  return [
    sql.ref<string>(column('id')).as('id'),
    sql.ref<string>(column('category')).as('category'),
    sql.ref<string>(column('title')).as('title'),
    sql.ref<string>(column('summary')).as('summary'),
    sql.ref<string | null>(column('details')).as('details'),
    sql.ref<string[]>(column('tags')).as('tags'),
    sql.ref<AgentType | null>(column('source_agent')).as('sourceAgent'),
    sql.ref<string | null>(column('task_id')).as('taskId'),
    sql.ref<number>(column('confidence')).as('confidence'),
    sql.ref<number>(column('application_count')).as('applicationCount'),
    sql.ref<number | null>(column('success_rate')).as('successRate'),
    sql.ref<boolean>(column('human_validated')).as('humanValidated'),
    sql.ref<string>(column('created_at')).as('createdAt'),
    sql.ref<string>(column('updated_at')).as('updatedAt'),
  ];
}

/** The lesson's columns of the fields a change sets. */
function columnsOf(changes: LessonChanges) {
  return {
    ...(changes.category !== undefined && { category: changes.category }),
    ...(changes.title !== undefined && { title: changes.title }),
    ...(changes.summary !== undefined && { summary: changes.summary }),
    ...(changes.details !== undefined && { details: changes.details }),
    ...(changes.tags !== undefined && { tags: changes.tags }),
    ...(changes.sourceAgent !== undefined && { source_agent: changes.sourceAgent }),
    ...(changes.taskId !== undefined && { task_id: changes.taskId }),
    ...(changes.confidence !== undefined && { confidence: changes.confidence }),
    ...(changes.humanValidated !== undefined && { human_validated: changes.humanValidated }),
  };
}

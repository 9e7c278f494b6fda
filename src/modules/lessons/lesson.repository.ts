import { Injectable } from '@nestjs/common';
import { raw, sql as ormSql } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { type RawBuilder, sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { ormKeysetPage } from '../../platform/pagination/keyset.js';
import type { Page } from '../../platform/pagination/page.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import type { AgentType } from '../shared/agent-type.js';
import { type Bind, BoundQuery, runBound } from './bound-sql.js';
import type { ListLessonsQuery } from './dto/list-lessons.query.js';
import { Lesson } from './lesson.entity.js';
import type { LessonSelection, RankedLesson } from './lesson-search.js';

/** Columns a lesson is read with: the entity's, not the generated search columns. */
const LISTED_FIELDS = [
  'id', 'category', 'title', 'summary', 'details', 'tags', 'sourceAgent', 'taskId', 'confidence',
  'applicationCount', 'successRate', 'humanValidated', 'createdAt', 'updatedAt',
] as const satisfies readonly (keyof Lesson)[];

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

/**
 * The SQL of lessons. Statements that carry tags or search text run with bound parameters
 * (bound-sql.ts); the rest go through the ORM. Raw statements are not filtered by the ORM: they name
 * the tenant themselves, and row-level security holds underneath regardless.
 */
@Injectable()
export class LessonRepository {
  constructor(private readonly em: EntityManager) {}

  async insert(content: LessonContent): Promise<Lesson> {
    const now = new Date();
    const row: Partial<Record<keyof Lesson, unknown>> = { id: uuidv7(), tenantId: this.tenantId(), ...content, createdAt: now, updatedAt: now };
    const fields = Object.keys(row) as (keyof Lesson)[];
    const [inserted] = await this.run(sql`
      insert into lessons (${this.columns(fields)}) values (${sql.join(fields.map((field) => row[field]))})
      returning ${this.columns(LISTED_FIELDS)}`);
    return inserted;
  }

  /** The lesson, locked until the unit of work ends: a change decided on what it read cannot be overtaken. */
  async lockedForChange(id: string): Promise<Lesson | undefined> {
    const [lesson] = await this.run(sql`
      select ${this.columns(LISTED_FIELDS)} from lessons where tenant_id = ${this.tenantId()} and id = ${id} for update`);
    return lesson;
  }

  async update(id: string, changes: Partial<LessonContent>): Promise<Lesson> {
    const assignments = Object.entries({ ...changes, updatedAt: new Date() }).map(
      ([field, value]) => sql`${this.columns([field as keyof Lesson])} = ${value}`,
    );
    const [updated] = await this.run(sql`
      update lessons set ${sql.join(assignments)} where tenant_id = ${this.tenantId()} and id = ${id}
      returning ${this.columns(LISTED_FIELDS)}`);
    return updated;
  }

  async page(query: ListLessonsQuery, selection: LessonSelection): Promise<Page<RankedLesson>> {
    const statement = new BoundQuery(this.em, this.em.createQueryBuilder(Lesson, 'l'));
    const { key, condition } = selection(statement.bind);
    statement.qb.select([...LISTED_FIELDS, raw(`${key.expression('l')} as rank`)]);
    for (const where of [condition?.('l'), ...lessonFilters(query, statement.bind)]) {
      if (where) statement.andWhere(raw(where));
    }
    return ormKeysetPage(statement, query, key);
  }

  /** How alike words must be for `<%` (pg_trgm word similarity, 0–1), for the rest of the unit of work. */
  async useWordSimilarity(threshold: number): Promise<void> {
    await this.em.execute(ormSql`select set_config('pg_trgm.word_similarity_threshold', ${String(threshold)}, true)`);
  }

  find(id: string, refresh = false): Promise<Lesson | null> {
    return this.em.findOne(Lesson, { id }, { refresh });
  }

  async delete(id: string): Promise<boolean> {
    return (await this.em.nativeDelete(Lesson, { id })) > 0;
  }

  /**
   * Counts one application, atomically in the database: concurrent calls never lose one. With an
   * outcome (1 or 0), successRate becomes it the first time, then 0.8 × old + 0.2 × outcome.
   */
  async recordApplication(id: string, outcome: 0 | 1 | null): Promise<boolean> {
    const changed = await this.em.nativeUpdate(
      Lesson,
      { id },
      {
        applicationCount: raw('application_count + 1'),
        successRate: raw('case when ?::float8 is null then success_rate when success_rate is null then ?::float8 else 0.8 * success_rate + 0.2 * ?::float8 end', [
          outcome,
          outcome,
          outcome,
        ]),
        updatedAt: new Date(),
      },
    );
    return changed > 0;
  }

  async setValidated(id: string, humanValidated: boolean): Promise<boolean> {
    return (await this.em.nativeUpdate(Lesson, { id }, { humanValidated, updatedAt: new Date() })) > 0;
  }

  private run(statement: RawBuilder<unknown>): Promise<Lesson[]> {
    return runBound(this.em, Lesson, statement);
  }

  private columns(fields: readonly (keyof Lesson)[]): RawBuilder<unknown> {
    const { properties } = this.em.getMetadata().get(Lesson);
    return sql.join(fields.map((field) => sql.ref(properties[field].fieldNames[0])));
  }

  private tenantId(): string {
    return TenantContext.current().tenantId;
  }
}

/** The list's filters, every value bound. */
export function lessonFilters(query: Partial<ListLessonsQuery>, bind: Bind): (string | undefined)[] {
  return [
    query.category === undefined ? undefined : `l.category = ${bind(query.category)}::text`,
    query.tags?.length ? `l.tags ${query.tagsMode === 'all' ? '@>' : '&&'} ${bind(query.tags)}::text[]` : undefined,
    query.sourceAgent === undefined ? undefined : `l.source_agent = ${bind(query.sourceAgent)}::text`,
    query.humanValidated === undefined ? undefined : `l.human_validated = ${bind(query.humanValidated)}::boolean`,
    query.minConfidence === undefined ? undefined : `l.confidence >= ${bind(query.minConfidence)}::float8`,
  ];
}

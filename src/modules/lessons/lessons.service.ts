import { Injectable } from '@nestjs/common';
import { ForeignKeyConstraintViolationException, raw, sql } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { ProblemException } from '../../platform/errors/problem.exception.js';
import { keysetPage, type SortKey, sortNameOf } from '../../platform/pagination/keyset.js';
import type { Page } from '../../platform/pagination/page.js';
import type { CreateLessonDto } from './dto/create-lesson.dto.js';
import type { ListLessonsQuery } from './dto/list-lessons.query.js';
import type { UpdateLessonDto } from './dto/update-lesson.dto.js';
import { Lesson } from './lesson.entity.js';
import { LESSON_SORT_KEYS, LessonSearch, type RankedLesson } from './lesson-search.js';
import { LessonView, lessonView } from './lesson.view.js';

/** Columns a list returns: the entity's, not the generated search columns. */
const LISTED_FIELDS = [
  'id', 'category', 'title', 'summary', 'details', 'tags', 'sourceAgent', 'taskId', 'confidence',
  'applicationCount', 'successRate', 'humanValidated', 'createdAt', 'updatedAt',
] as const;

/** How similar a misspelled query must be to a lesson's words (pg_trgm word similarity, 0–1). */
const TYPO_SIMILARITY = 0.5;

/** The lessons of the current tenant; every method runs inside a tenant scope. */
@Injectable()
export class LessonsService {
  constructor(private readonly em: EntityManager) {}

  async create(input: CreateLessonDto): Promise<LessonView> {
    const lesson = this.em.create(Lesson, {
      ...input,
      tags: input.tags ?? [],
      details: input.details ?? null,
      sourceAgent: input.sourceAgent ?? null,
      taskId: input.taskId ?? null,
      confidence: input.confidence ?? 0.5,
    });
    await this.flushRefusingForeignTask();
    return lessonView(lesson);
  }

  async get(id: string): Promise<LessonView> {
    return lessonView(await this.find(id));
  }

  async update(id: string, changes: UpdateLessonDto): Promise<LessonView> {
    const lesson = await this.find(id);
    this.em.assign(lesson, changes);
    await this.flushRefusingForeignTask();
    return lessonView(lesson);
  }

  async delete(id: string): Promise<void> {
    if ((await this.em.nativeDelete(Lesson, { id })) === 0) throw notFound();
  }

  /**
   * Counts one application, atomically in the database: concurrent calls never lose one. With an
   * outcome, successRate becomes 1 or 0 the first time, then 0.8 × old + 0.2 × outcome.
   */
  async recordApplication(id: string, success?: boolean): Promise<LessonView> {
    const outcome = success === undefined ? null : success ? 1 : 0;
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
    if (changed === 0) throw notFound();
    return lessonView(await this.find(id, true));
  }

  async setValidated(id: string, humanValidated: boolean): Promise<LessonView> {
    if ((await this.em.nativeUpdate(Lesson, { id }, { humanValidated, updatedAt: new Date() })) === 0) throw notFound();
    return lessonView(await this.find(id, true));
  }

  async list(query: ListLessonsQuery): Promise<Page<LessonView>> {
    const search = query.q === undefined ? undefined : new LessonSearch(query.q);
    const sort = query.sort ?? (search ? 'relevance' : 'recent');
    if (search?.isEmpty) {
      return { items: [], nextCursor: null };
    }
    if (sort !== 'relevance') {
      return this.page(query, LESSON_SORT_KEYS[sort], (alias) => (search ? [search.matches(alias)] : []));
    }
    if (!search) {
      throw new ProblemException(400, 'sort=relevance needs a search text q.', { errors: [{ field: 'sort', messages: ['relevance needs q'] }] });
    }
    const continuesFallback = query.cursor !== undefined && sortNameOf(query.cursor) === search.bySimilarity.name;
    if (!continuesFallback) {
      const ranked = await this.page(query, search.byRank, (alias) => [search.matches(alias)]);
      if (ranked.items.length > 0 || query.cursor || !search.canFallBack) return ranked;
    }
    await this.em.execute(sql`select set_config('pg_trgm.word_similarity_threshold', ${String(TYPO_SIMILARITY)}, true)`);
    return this.page(query, search.bySimilarity, (alias) => [search.resembles(alias)]);
  }

  private async page(query: ListLessonsQuery, key: SortKey<RankedLesson>, conditions: (alias: string) => string[]): Promise<Page<LessonView>> {
    const qb = this.em.createQueryBuilder(Lesson, 'l').select([...LISTED_FIELDS, raw(`${key.expression('l')} as rank`)]);
    for (const condition of conditions('l')) qb.andWhere(raw(condition));
    if (query.category) qb.andWhere({ category: query.category });
    if (query.tags?.length) qb.andWhere({ tags: query.tagsMode === 'all' ? { $contains: query.tags } : { $overlap: query.tags } });
    if (query.sourceAgent) qb.andWhere({ sourceAgent: query.sourceAgent });
    if (query.humanValidated !== undefined) qb.andWhere({ humanValidated: query.humanValidated });
    if (query.minConfidence !== undefined) qb.andWhere({ confidence: { $gte: query.minConfidence } });
    const page = await keysetPage(qb, query, key);
    return { ...page, items: page.items.map(lessonView) };
  }

  private async find(id: string, refresh = false): Promise<Lesson> {
    const lesson = await this.em.findOne(Lesson, { id }, { refresh });
    if (!lesson) throw notFound();
    return lesson;
  }

  /** The database checks that taskId is a task of this tenant (a composite foreign key). */
  private async flushRefusingForeignTask(): Promise<void> {
    try {
      await this.em.flush();
    } catch (error) {
      if (error instanceof ForeignKeyConstraintViolationException) {
        throw new ProblemException(400, 'taskId is not a task of this tenant.', { errors: [{ field: 'taskId', messages: ['unknown task'] }] });
      }
      throw error;
    }
  }
}

function notFound(): ProblemException {
  return new ProblemException(404, 'The lesson does not exist.');
}


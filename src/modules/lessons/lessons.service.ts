import { Injectable } from '@nestjs/common';
import { ForeignKeyConstraintViolationException } from '@mikro-orm/core';
import { ProblemException } from '../../platform/errors/problem.exception.js';
import { sortNameOf } from '../../platform/pagination/keyset.js';
import type { Page } from '../../platform/pagination/page.js';
import type { CreateLessonDto } from './dto/create-lesson.dto.js';
import type { ListLessonsQuery } from './dto/list-lessons.query.js';
import type { UpdateLessonDto } from './dto/update-lesson.dto.js';
import type { Lesson } from './lesson.entity.js';
import { type LessonContent, LessonRepository } from './lesson.repository.js';
import { BY_SIMILARITY, LESSON_SORT_KEYS, LessonSearch, type LessonSelection, TYPO_SIMILARITY } from './lesson-search.js';
import { LessonView, lessonView } from './lesson.view.js';

/** What a human validates: changing any of it withdraws the validation. */
const VALIDATED_FIELDS = ['category', 'title', 'summary', 'details', 'tags', 'confidence'] as const satisfies readonly (keyof LessonContent)[];

/** The lessons of the current tenant; every method runs inside a tenant scope. */
@Injectable()
export class LessonsService {
  constructor(private readonly lessons: LessonRepository) {}

  async create(input: CreateLessonDto): Promise<LessonView> {
    const lesson = await refusingForeignTask(() =>
      this.lessons.insert({
        ...input,
        tags: input.tags ?? [],
        details: input.details ?? null,
        sourceAgent: input.sourceAgent ?? null,
        taskId: input.taskId ?? null,
        confidence: input.confidence ?? 0.5,
      }),
    );
    return lessonView(lesson);
  }

  async get(id: string): Promise<LessonView> {
    return lessonView(await this.find(id));
  }

  /**
   * Changes what differs from the stored lesson. A validated lesson whose content or confidence
   * changes is no longer validated: the validation vouched for what it read, not for what replaced it.
   * Withdrawing it is its own change (audited as such, like DELETE …/validation).
   */
  async update(id: string, patch: UpdateLessonDto): Promise<LessonView> {
    const lesson = await this.lessons.lockedForChange(id);
    if (!lesson) throw notFound();
    const changes = changesTo(lesson, patch);
    if (Object.keys(changes).length === 0) return lessonView(lesson);
    const updated = await refusingForeignTask(() => this.lessons.update(id, changes));
    if (updated.humanValidated && VALIDATED_FIELDS.some((field) => field in changes)) {
      return this.setValidated(id, false);
    }
    return lessonView(updated);
  }

  async delete(id: string): Promise<void> {
    if (!(await this.lessons.delete(id))) throw notFound();
  }

  async recordApplication(id: string, success?: boolean): Promise<LessonView> {
    if (!(await this.lessons.recordApplication(id, success === undefined ? null : success ? 1 : 0))) throw notFound();
    return lessonView(await this.find(id, true));
  }

  async setValidated(id: string, humanValidated: boolean): Promise<LessonView> {
    if (!(await this.lessons.setValidated(id, humanValidated))) throw notFound();
    return lessonView(await this.find(id, true));
  }

  async list(query: ListLessonsQuery): Promise<Page<LessonView>> {
    const search = query.q === undefined ? undefined : new LessonSearch(query.q);
    const sort = query.sort ?? (search ? 'relevance' : 'recent');
    if (search?.isEmpty) {
      return { items: [], nextCursor: null };
    }
    if (sort !== 'relevance') {
      const key = LESSON_SORT_KEYS[sort];
      return this.page(query, search ? search.sortedBy(key) : () => ({ key }));
    }
    if (!search) {
      throw new ProblemException(400, 'sort=relevance needs a search text q.', { errors: [{ field: 'sort', messages: ['relevance needs q'] }] });
    }
    const continuesFallback = query.cursor !== undefined && sortNameOf(query.cursor) === BY_SIMILARITY;
    if (!continuesFallback) {
      const ranked = await this.page(query, search.ranked());
      if (ranked.items.length > 0 || query.cursor || !search.canFallBack) return ranked;
    }
    await this.lessons.useWordSimilarity(TYPO_SIMILARITY);
    return this.page(query, search.resembling());
  }

  private async page(query: ListLessonsQuery, selection: LessonSelection): Promise<Page<LessonView>> {
    const page = await this.lessons.page(query, selection);
    return { ...page, items: page.items.map(lessonView) };
  }

  private async find(id: string, refresh = false): Promise<Lesson> {
    const lesson = await this.lessons.find(id, refresh);
    if (!lesson) throw notFound();
    return lesson;
  }
}

/** The fields of a patch whose values differ from the lesson's. */
function changesTo(lesson: Lesson, patch: UpdateLessonDto): Partial<LessonContent> {
  return Object.fromEntries(
    Object.entries(patch).filter(([field, value]) => value !== undefined && !sameValue(lesson[field as keyof LessonContent], value)),
  );
}

function sameValue(stored: unknown, given: unknown): boolean {
  if (Array.isArray(stored) && Array.isArray(given)) {
    return stored.length === given.length && stored.every((item, index) => item === given[index]);
  }
  return stored === given;
}

/** The database checks that taskId is a task of this tenant (a composite foreign key). */
async function refusingForeignTask<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof ForeignKeyConstraintViolationException) {
      throw new ProblemException(400, 'taskId is not a task of this tenant.', { errors: [{ field: 'taskId', messages: ['unknown task'] }] });
    }
    throw error;
  }
}

function notFound(): ProblemException {
  return new ProblemException(404, 'The lesson does not exist.');
}

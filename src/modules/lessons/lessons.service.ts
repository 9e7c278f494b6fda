import { ForeignKeyConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { sortNameOf } from '../../platform/pagination/keyset.js';
import type { Page } from '../../platform/pagination/page.js';
import type { CreateLessonDto } from './dto/create-lesson.dto.js';
import type { LessonFiltersQuery, ListLessonsQuery } from './dto/list-lessons.query.js';
import type { UpdateLessonDto } from './dto/update-lesson.dto.js';
import { type LessonContent, LessonRepository } from './lesson.repository.js';
import type { LessonView } from './lesson.view.js';
import { LessonProblems } from './lesson-problems.js';
import { BY_SIMILARITY, LessonSearch } from './lesson-search.js';

/** What a human validates: changing any of it withdraws the validation. */
const VALIDATED_FIELDS = [
  'category',
  'title',
  'summary',
  'details',
  'tags',
  'confidence',
] as const satisfies readonly (keyof LessonContent)[];

/** The lessons of the current tenant; every method runs inside a tenant scope. */
@Injectable()
export class LessonsService {
  constructor(private readonly lessons: LessonRepository) {}

  create(input: CreateLessonDto): Promise<LessonView> {
    return refusingForeignTask(() =>
      this.lessons.add({
        ...input,
        tags: input.tags ?? [],
        details: input.details ?? null,
        sourceAgent: input.sourceAgent ?? null,
        taskId: input.taskId ?? null,
        confidence: input.confidence ?? 0.5,
      }),
    );
  }

  async get(id: string): Promise<LessonView> {
    return found(await this.lessons.view(id));
  }

  /**
   * Changes what differs from the stored lesson. A validated lesson whose content or confidence
   * changes is no longer validated: the validation vouched for what it read, not for what replaced it.
   * Withdrawing it is its own change (audited as such, like DELETE …/validation).
   */
  async update(id: string, patch: UpdateLessonDto): Promise<LessonView> {
    const lesson = found(await this.lessons.lockedForChange(id));
    const changes = changesTo(lesson, patch);
    if (Object.keys(changes).length === 0) return lesson;
    const updated = found(await refusingForeignTask(() => this.lessons.change(id, changes)));
    if (updated.humanValidated && VALIDATED_FIELDS.some((field) => field in changes)) {
      return this.setValidated(id, false);
    }
    return updated;
  }

  async delete(id: string): Promise<void> {
    if (!(await this.lessons.remove(id))) throw LessonProblems.notFound();
  }

  async recordApplication(id: string, success?: boolean): Promise<LessonView> {
    return found(await this.lessons.incrementApplication(id, success === undefined ? null : success ? 1 : 0));
  }

  async setValidated(id: string, humanValidated: boolean): Promise<LessonView> {
    return found(await this.lessons.change(id, { humanValidated }));
  }

  /**
   * How many lessons the list with these filters holds. With `q`, what the search lists by default
   * (sort=relevance): its full-text matches, or, when there are none, the typo fallback's.
   */
  async count(filters: LessonFiltersQuery): Promise<{ count: number }> {
    const search = filters.q === undefined ? undefined : new LessonSearch(filters.q);
    if (search?.isEmpty) return { count: 0 };
    const matches = await this.lessons.countMatching(filters, search);
    if (matches > 0 || !search?.canFallBack) return { count: matches };
    return { count: await this.lessons.countResembling(filters, search) };
  }

  async list(query: ListLessonsQuery): Promise<Page<LessonView>> {
    const search = query.q === undefined ? undefined : new LessonSearch(query.q);
    const sort = query.sort ?? (search ? 'relevance' : 'recent');
    if (search?.isEmpty) {
      return { items: [], nextCursor: null };
    }
    if (sort !== 'relevance') {
      return this.lessons.sortedPage(query, sort, search);
    }
    if (!search) {
      throw LessonProblems.relevanceWithoutSearch();
    }
    const continuesFallback = query.cursor !== undefined && sortNameOf(query.cursor) === BY_SIMILARITY;
    if (!continuesFallback) {
      const ranked = await this.lessons.rankedPage(query, search);
      if (ranked.items.length > 0 || query.cursor || !search.canFallBack) return ranked;
    }
    return this.lessons.resemblingPage(query, search);
  }
}

/** The fields of a patch whose values differ from the lesson's. */
function changesTo(lesson: LessonView, patch: UpdateLessonDto): Partial<LessonContent> {
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
      throw LessonProblems.unknownTask();
    }
    throw error;
  }
}

function found(lesson: LessonView | undefined): LessonView {
  if (!lesson) throw LessonProblems.notFound();
  return lesson;
}

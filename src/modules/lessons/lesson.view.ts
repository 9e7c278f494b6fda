import type { EntityDTO } from '@mikro-orm/core';
import type { Lesson } from './lesson.entity.js';

export function lessonView(lesson: Lesson | EntityDTO<Lesson>) {
  return {
    id: lesson.id,
    category: lesson.category,
    title: lesson.title,
    summary: lesson.summary,
    details: lesson.details ?? null,
    tags: lesson.tags,
    sourceAgent: lesson.sourceAgent ?? null,
    taskId: lesson.taskId ?? null,
    confidence: lesson.confidence,
    applicationCount: lesson.applicationCount,
    successRate: lesson.successRate ?? null,
    humanValidated: lesson.humanValidated,
    createdAt: lesson.createdAt,
    updatedAt: lesson.updatedAt,
  };
}
export type LessonView = ReturnType<typeof lessonView>;

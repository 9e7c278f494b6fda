import type { EntityDTO } from '@mikro-orm/core';
import type { Task } from './task.entity.js';

/** A task as the API returns it (from an entity, or a plain row of a list). */
export function taskView(task: Task | EntityDTO<Task>) {
  return {
    id: task.id,
    projectId: task.projectId ?? null,
    userId: task.userId,
    prompt: task.prompt,
    state: task.state,
    currentAgent: task.currentAgent ?? null,
    config: task.config,
    result: task.result ?? null,
    error: task.error ?? null,
    metadata: task.metadata,
    createdAt: task.createdAt,
    updatedAt: task.updatedAt,
    completedAt: task.completedAt ?? null,
  };
}
export type TaskView = ReturnType<typeof taskView>;

import { Injectable } from '@nestjs/common';
import { LockMode } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Task } from './task.entity.js';
import { TaskDependencies } from './task-dependencies.js';
import { TaskProblems } from './task-problems.js';
import { canTransition, isFinal, TaskState } from './task-state.js';

export interface TransitionDetails {
  result?: unknown;
  error?: unknown;
}

/**
 * Moves tasks through the state machine. Every move starts from the row locked FOR UPDATE inside the
 * unit of work's transaction, so two clients moving one task at once are serialised: the second sees
 * the first's outcome and is refused if its move is no longer legal.
 */
@Injectable()
export class TaskTransitions {
  constructor(
    private readonly em: EntityManager,
    private readonly dependencies: TaskDependencies,
  ) {}

  async lock(taskId: string): Promise<Task> {
    const task = await this.em.findOne(Task, { id: taskId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!task) throw TaskProblems.notFound();
    return task;
  }

  async apply(task: Task, to: TaskState, details: TransitionDetails = {}): Promise<void> {
    if (details.result !== undefined && to !== TaskState.Completed) {
      throw TaskProblems.misplacedDetail('result', TaskState.Completed);
    }
    if (details.error !== undefined && to !== TaskState.Failed) {
      throw TaskProblems.misplacedDetail('error', TaskState.Failed);
    }
    if (!canTransition(task.state, to)) {
      throw TaskProblems.illegalTransition(task.state, to);
    }
    if (to === TaskState.Running) {
      const blockers = await this.dependencies.unfinished(task.id);
      if (blockers.length > 0) throw TaskProblems.blockedByDependencies(blockers);
    }
    task.state = to;
    if (to === TaskState.Completed && details.result !== undefined) task.result = details.result;
    if (to === TaskState.Failed) task.error = details.error;
    if (isFinal(to)) {
      task.completedAt = new Date();
      task.currentAgent = null;
    }
    await this.em.flush();
  }
}

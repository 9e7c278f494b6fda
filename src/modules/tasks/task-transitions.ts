import { Injectable } from '@nestjs/common';
import type { Task } from './task.entity.js';
import { type TaskMove, TaskRepository } from './task.repository.js';
import { TaskDependencyRepository } from './task-dependency.repository.js';
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
    private readonly tasks: TaskRepository,
    private readonly dependencies: TaskDependencyRepository,
  ) {}

  async lock(taskId: string): Promise<Task> {
    const task = await this.tasks.lockedForChange(taskId);
    if (!task) throw TaskProblems.notFound();
    return task;
  }

  /** Moves a locked task, and writes it with whatever else the unit of work holds. */
  async apply(task: Task, to: TaskState, details: TransitionDetails = {}): Promise<void> {
    Object.assign(task, await this.moveOf(task, to, details));
    await this.tasks.flush();
  }

  /**
   * Moves a task on its own: its row locked and read, the move written by a statement of its own
   * rather than through the unit of work's change set (nothing else is written with it). The task as moved.
   */
  async move(taskId: string, to: TaskState, details: TransitionDetails = {}): Promise<Task> {
    const task = await this.tasks.lockedFields(taskId);
    if (!task) throw TaskProblems.notFound();
    const move = await this.moveOf(task, to, details);
    return Object.assign(task, move, { updatedAt: await this.tasks.writeMove(taskId, move) });
  }

  /** What moving the task to `to` changes, once the move is found legal. */
  private async moveOf(task: Task, to: TaskState, details: TransitionDetails): Promise<TaskMove> {
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
      const blockers = await this.dependencies.blockersOf(task.id);
      if (blockers.length > 0) throw TaskProblems.blockedByDependencies(blockers);
    }
    const move: TaskMove = { state: to };
    if (to === TaskState.Completed && details.result !== undefined) move.result = details.result;
    if (to === TaskState.Failed) move.error = details.error ?? null;
    if (isFinal(to)) {
      move.completedAt = new Date();
      move.currentAgent = null;
    }
    return move;
  }
}

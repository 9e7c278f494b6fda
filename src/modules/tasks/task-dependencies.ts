import { Injectable } from '@nestjs/common';
import { TaskRepository } from './task.repository.js';
import { TaskDependencyRepository } from './task-dependency.repository.js';
import { TaskProblems } from './task-problems.js';

/** The rules of the dependency graph: a task depends only on existing tasks of its tenant, and never on itself through others. */
@Injectable()
export class TaskDependencies {
  constructor(
    private readonly tasks: TaskRepository,
    private readonly graph: TaskDependencyRepository,
  ) {}

  /**
   * The first dependencies of a task being created. Nothing can depend on it before its transaction
   * commits, so they close no cycle: no graph lock, no walk.
   */
  async addToNew(taskId: string, dependsOn: readonly string[]): Promise<void> {
    await this.assertExist(dependsOn);
    await this.graph.add(taskId, dependsOn);
  }

  /** Replaces what a task depends on, refusing unknown tasks and cycles. */
  async replace(taskId: string, dependsOn: readonly string[]): Promise<void> {
    if (dependsOn.includes(taskId)) {
      throw TaskProblems.selfDependency(taskId);
    }
    await this.graph.lockGraph();
    await this.assertExist(dependsOn);
    const cycle = await this.graph.cycleClosedBy(taskId, dependsOn);
    if (cycle) {
      throw TaskProblems.dependencyCycle(cycle);
    }
    await this.graph.replace(taskId, dependsOn);
  }

  private async assertExist(taskIds: readonly string[]): Promise<void> {
    const unknown = await this.tasks.unknownAmong(taskIds);
    if (unknown.length > 0) {
      throw TaskProblems.unknownDependencies(unknown);
    }
  }
}

import { Injectable } from '@nestjs/common';
import { Role } from '../../platform/auth/principal.js';
import type { Page, PageQuery } from '../../platform/pagination/page.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import type { CreateApprovalDto } from './dto/create-approval.dto.js';
import type { CreateArtifactDto } from './dto/create-artifact.dto.js';
import type { CreateReviewDto } from './dto/create-review.dto.js';
import type { FinishExecutionDto } from './dto/finish-execution.dto.js';
import type { ListReviewsQuery } from './dto/list-reviews.query.js';
import type { StartExecutionDto } from './dto/start-execution.dto.js';
import { TaskRepository } from './task.repository.js';
import { approvalView, artifactView, type ExecutionSummary, executionView, type ReviewRow, reviewView } from './task.view.js';
import { TaskApprovalRepository } from './task-approval.repository.js';
import { TaskArtifactRepository } from './task-artifact.repository.js';
import { ExecutionStatus } from './task-execution.entity.js';
import { TaskExecutionRepository } from './task-execution.repository.js';
import { assertStorableJson, MAX_EXECUTIONS_PER_TASK, MAX_OUTCOME_BYTES, MAX_TASK_SETTINGS_BYTES } from './task-limits.js';
import { TaskProblems } from './task-problems.js';
import { isFinal, TaskState } from './task-state.js';
import { TaskTransitions } from './task-transitions.js';

/** The work done on a task: agent executions and their self-reviews, artifacts, human approvals. */
@Injectable()
export class TaskWorkService {
  constructor(
    private readonly tasks: TaskRepository,
    private readonly transitions: TaskTransitions,
    private readonly executions: TaskExecutionRepository,
    private readonly artifacts: TaskArtifactRepository,
    private readonly approvals: TaskApprovalRepository,
  ) {}

  /** Starts an agent run; the task must be running, and the agent becomes its current agent. */
  async startExecution(taskId: string, input: StartExecutionDto) {
    assertStorableJson('input', input.input, MAX_OUTCOME_BYTES);
    const task = await this.transitions.lock(taskId);
    if (task.state !== TaskState.Running) {
      throw TaskProblems.wrongState('start an execution', task.state, TaskState.Running);
    }
    // The task's row lock makes count-then-insert safe against concurrent starts.
    const executionCount = await this.executions.countOf(taskId);
    if (executionCount >= MAX_EXECUTIONS_PER_TASK) {
      throw TaskProblems.executionLimitReached(executionCount, MAX_EXECUTIONS_PER_TASK);
    }
    task.currentAgent = input.agentType;
    // Written with the run, in the same flush.
    const execution = await this.executions.start(taskId, input.agentType, input.input ?? null);
    return executionView(execution);
  }

  /** A task's runs, latest first, as summaries; 404 for a task that does not exist. */
  async executionsOf(taskId: string, query: PageQuery): Promise<Page<ExecutionSummary>> {
    if (!(await this.tasks.exists(taskId))) throw TaskProblems.notFound();
    return this.executions.summaries(taskId, query);
  }

  /** One run in full, with its self-reviews. */
  async getExecution(executionId: string) {
    const execution = await this.executions.byId(executionId);
    if (!execution) throw TaskProblems.executionNotFound();
    return executionView(execution, await this.executions.reviewsOf(executionId));
  }

  /** Records how a run ended; a run ends once. */
  async finishExecution(executionId: string, outcome: FinishExecutionDto) {
    assertStorableJson('output', outcome.output, MAX_OUTCOME_BYTES);
    assertStorableJson('error', outcome.error, MAX_OUTCOME_BYTES);
    const execution = await this.executions.lockedForChange(executionId);
    if (!execution) throw TaskProblems.executionNotFound();
    if (execution.status !== ExecutionStatus.Running) {
      throw TaskProblems.executionFinished(execution.status);
    }
    execution.status = outcome.status;
    execution.output = outcome.output ?? null;
    execution.error = outcome.error ?? null;
    execution.durationMs = outcome.durationMs ?? null;
    execution.tokensUsed = outcome.tokensUsed ?? null;
    execution.finishedAt = new Date();
    await this.executions.flush();
    return executionView(execution, await this.executions.reviewsOf(executionId));
  }

  async addReview(executionId: string, input: CreateReviewDto) {
    if (!(await this.executions.exists(executionId))) throw TaskProblems.executionNotFound();
    return reviewView(await this.executions.addReview(executionId, input));
  }

  /** A task's self-reviews, newest first; 404 for a task that does not exist. */
  async reviewsOf(taskId: string, query: ListReviewsQuery): Promise<Page<ReviewRow>> {
    if (!(await this.tasks.exists(taskId))) throw TaskProblems.notFound();
    return this.executions.reviewsOfTask(taskId, query.executionId, query);
  }

  /** Adds an artifact to a task that has not finished; a named execution must be one of the task's. */
  async addArtifact(taskId: string, input: CreateArtifactDto) {
    assertStorableJson('metadata', input.metadata, MAX_TASK_SETTINGS_BYTES);
    const task = await this.transitions.lock(taskId);
    if (isFinal(task.state)) {
      throw TaskProblems.closedToArtifacts(task.state);
    }
    if (input.executionId && !(await this.executions.isOfTask(input.executionId, taskId))) {
      throw TaskProblems.unknownExecution();
    }
    const artifact = await this.artifacts.add({
      taskId,
      executionId: input.executionId ?? null,
      type: input.type,
      path: input.path,
      content: input.content ?? null,
      metadata: input.metadata ?? {},
    });
    return artifactView(artifact, true);
  }

  async getArtifact(artifactId: string) {
    const artifact = await this.artifacts.withContent(artifactId);
    if (!artifact) throw TaskProblems.artifactNotFound();
    return artifactView(artifact, true);
  }

  /**
   * A human decides on a task awaiting approval: approved → running, rejected → cancelled. The
   * named artifacts (of this task) are marked with the decision. A service cannot decide: approval is
   * the human check on what agents did (refused after the lookup, so another tenant's task stays a 404).
   */
  async approve(taskId: string, input: CreateApprovalDto) {
    const task = await this.transitions.lock(taskId);
    if (TenantContext.current().roles.includes(Role.Service)) {
      throw TaskProblems.approvalNeedsPerson();
    }
    if (task.state !== TaskState.AwaitingApproval) {
      throw TaskProblems.wrongState('decide on a task', task.state, TaskState.AwaitingApproval);
    }
    const artifactIds = input.artifactIds ?? [];
    const artifacts = artifactIds.length ? await this.artifacts.ofTaskAmong(taskId, artifactIds) : [];
    if (artifacts.length !== artifactIds.length) {
      const known = new Set(artifacts.map((artifact) => artifact.id));
      throw TaskProblems.unknownArtifacts(artifactIds.filter((id) => !known.has(id)));
    }
    for (const artifact of artifacts) {
      artifact.approved = input.decision === 'approved';
    }
    // The move first: a refused one (unfinished dependencies) writes nothing; it writes the marked artifacts too.
    await this.transitions.apply(task, input.decision === 'approved' ? TaskState.Running : TaskState.Cancelled);
    const approval = await this.approvals.add({ taskId, decision: input.decision, reason: input.reason ?? null, artifactIds });
    return { approval: approvalView(approval), task: { id: task.id, state: task.state, completedAt: task.completedAt ?? null } };
  }
}

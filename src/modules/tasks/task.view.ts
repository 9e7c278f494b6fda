import type { EntityDTO } from '@mikro-orm/core';
import type { ExecutionReview } from './execution-review.entity.js';
import type { Task } from './task.entity.js';
import type { TaskApproval } from './task-approval.entity.js';
import type { TaskArtifact } from './task-artifact.entity.js';
import type { TaskExecution } from './task-execution.entity.js';

/** A task as the API returns it (from an entity, or a plain row of a list). */
export function taskView(task: Task | EntityDTO<Task>, dependsOn: readonly string[]) {
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
    dependsOn: [...dependsOn],
    createdAt: task.createdAt,
    updatedAt: task.updatedAt,
    completedAt: task.completedAt ?? null,
  };
}
export type TaskView = ReturnType<typeof taskView>;

/** The fields a list item cuts to a preview (of the text, or of the JSON text), each with its size in bytes. */
export type LargeTaskField = 'prompt' | 'config' | 'metadata' | 'result' | 'error';
export interface LargeTaskFields {
  previews: Record<LargeTaskField, string | null>;
  sizes: Record<LargeTaskField, number | null>;
}

export interface TaskListRow {
  id: string;
  projectId?: string | null;
  userId: string;
  state: Task['state'];
  currentAgent?: Task['currentAgent'];
  dependsOn: string[];
  /** Instants as ISO text, the way the API writes them. */
  createdAt: string;
  updatedAt: string;
  completedAt?: string | null;
}

/** A task in a list: `prompt` cut to a preview, the JSON fields as previews only; the task read has them whole. */
export function taskListItemView(row: TaskListRow & LargeTaskFields) {
  const { prompt, ...previews } = row.previews;
  return {
    id: row.id,
    projectId: row.projectId ?? null,
    userId: row.userId,
    prompt,
    state: row.state,
    currentAgent: row.currentAgent ?? null,
    previews,
    sizes: row.sizes,
    dependsOn: row.dependsOn,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    completedAt: row.completedAt ?? null,
  };
}

export function executionView(execution: TaskExecution, reviews: readonly ExecutionReview[] = []) {
  return {
    id: execution.id,
    taskId: execution.taskId,
    agentType: execution.agentType,
    input: execution.input ?? null,
    status: execution.status,
    output: execution.output ?? null,
    error: execution.error ?? null,
    durationMs: execution.durationMs ?? null,
    tokensUsed: execution.tokensUsed ?? null,
    startedAt: execution.startedAt,
    finishedAt: execution.finishedAt ?? null,
    reviews: reviews.map(reviewView),
  };
}

/**
 * An execution without `input`, `output` and `error`, and without its reviews: their extent instead
 * (sizes in bytes of JSON text as PostgreSQL writes it, null when absent). Read as it is returned.
 */
export interface ExecutionSummary {
  id: string;
  taskId: string;
  agentType: TaskExecution['agentType'];
  status: TaskExecution['status'];
  durationMs: number | null;
  tokensUsed: number | null;
  /** Instants as ISO text, the way the API writes them. */
  startedAt: string;
  finishedAt: string | null;
  sizes: { input: number | null; output: number | null; error: number | null };
  reviewCount: number;
}

export function reviewView(review: ExecutionReview) {
  return {
    id: review.id,
    executionId: review.executionId,
    iteration: review.iteration,
    agentType: review.agentType,
    qualityScore: review.qualityScore,
    completenessScore: review.completenessScore,
    correctnessScore: review.correctnessScore,
    overallScore: review.overallScore,
    gaps: review.gaps,
    requirements: review.requirements,
    decision: review.decision,
    reasoning: review.reasoning ?? null,
    durationMs: review.durationMs ?? null,
    createdAt: review.createdAt,
  };
}

/** A review as a list returns it, read as the API writes it. */
export type ReviewRow = Omit<ReturnType<typeof reviewView>, 'createdAt'> & { createdAt: string };

/** An artifact; its content only when asked for (single reads), never inside a task. */
export function artifactView(artifact: TaskArtifact, withContent: boolean) {
  return {
    id: artifact.id,
    taskId: artifact.taskId,
    executionId: artifact.executionId ?? null,
    type: artifact.type,
    path: artifact.path,
    ...(withContent && { content: artifact.content ?? null }),
    contentBytes: artifact.contentBytes,
    metadata: artifact.metadata,
    approved: artifact.approved ?? null,
    createdAt: artifact.createdAt,
  };
}

export function approvalView(approval: TaskApproval) {
  return {
    id: approval.id,
    taskId: approval.taskId,
    decision: approval.decision,
    reason: approval.reason ?? null,
    artifactIds: approval.artifactIds,
    approverId: approval.approverId,
    createdAt: approval.createdAt,
  };
}

import { PlatformProblems } from '../../platform/errors/platform-problems.js';
import { ProblemException } from '../../platform/errors/problem.exception.js';
import { defineProblemTypes } from '../../platform/errors/problem-type.js';
import { allowedNextStates, FINAL_STATES, type TaskState } from './task-state.js';

/** The problem types this module raises (documented in docs/problems.md). */
export const TaskProblemTypes = defineProblemTypes('tasks', {
  'task-not-found': {
    status: 404,
    title: 'Task not found',
    when: 'The task does not exist in this tenant (another tenant’s tasks are never seen).',
  },
  'task-execution-not-found': {
    status: 404,
    title: 'Task execution not found',
    when: 'The execution does not exist in this tenant.',
  },
  'task-artifact-not-found': {
    status: 404,
    title: 'Task artifact not found',
    when: 'The artifact does not exist in this tenant.',
  },
  'task-transition-not-allowed': {
    status: 409,
    title: 'Task transition not allowed',
    when: 'The task’s state machine does not lead from its current state to the requested one.',
    members: { currentState: 'the task’s state now', allowedStates: 'the states it may move to next' },
  },
  'task-blocked-by-dependencies': {
    status: 409,
    title: 'Task blocked by dependencies',
    when: 'The task cannot start while tasks it depends on have not completed.',
    members: { blockers: 'the unfinished dependencies: `[{ id, state }]`' },
  },
  'task-detail-misplaced': {
    status: 400,
    title: 'Task detail misplaced',
    when: '`result` was sent with a transition other than to `completed`, or `error` with one other than to `failed`.',
    members: { errors: 'the misplaced field: `[{ field, messages }]`' },
  },
  'task-wrong-state': {
    status: 409,
    title: 'Task in the wrong state',
    when: 'The action needs the task in one state (pending to change it, running to start an execution, awaiting_approval to decide on it) and it is in another.',
    members: { currentState: 'the task’s state now' },
  },
  'task-not-deletable': {
    status: 409,
    title: 'Task not deletable',
    when: 'Only completed, failed or cancelled tasks can be deleted (by a non-admin); cancel it first.',
    members: { currentState: 'the task’s state now', deletableStates: 'the states in which it could be deleted' },
  },
  'task-has-dependents': {
    status: 409,
    title: 'Task has dependents',
    when: 'Other tasks depend on the task; delete them or change what they depend on first.',
    members: { dependents: 'the tasks depending on it: `[{ id, state }]`' },
  },
  'task-dependency-cycle': {
    status: 409,
    title: 'Task dependency cycle',
    when: 'The dependencies would make a task depend on itself, directly or through others.',
    members: { cycle: 'the task ids around the cycle, first and last the same' },
  },
  'task-execution-limit-reached': {
    status: 409,
    title: 'Task execution limit reached',
    when: 'The task has had as many executions as a task may have; create a new task.',
    members: { executionCount: 'the executions the task has had', maxExecutions: 'the most a task may have' },
  },
  'task-execution-finished': {
    status: 409,
    title: 'Task execution finished',
    when: 'The execution already finished; it cannot be finished again.',
    members: { executionStatus: 'how it finished' },
  },
  'task-closed-to-artifacts': {
    status: 409,
    title: 'Task closed to artifacts',
    when: 'A completed, failed or cancelled task takes no more artifacts.',
    members: { currentState: 'the task’s state now' },
  },
  'task-approval-needs-person': {
    status: 403,
    title: 'Approval needs a person',
    when: 'A service token tried to approve or reject a task; approvals are the human check on what agents did.',
  },
});

const { types } = TaskProblemTypes;
const { types: platform } = PlatformProblems;

/** The refusals of this module, each of a catalogued type whose members the client can act on. */
export const TaskProblems = {
  notFound: () => new ProblemException(types['task-not-found'], 'The task does not exist.'),

  executionNotFound: () => new ProblemException(types['task-execution-not-found'], 'The execution does not exist.'),

  artifactNotFound: () => new ProblemException(types['task-artifact-not-found'], 'The artifact does not exist.'),

  illegalTransition: (current: TaskState, to: TaskState) =>
    new ProblemException(types['task-transition-not-allowed'], `A ${current} task cannot move to ${to}.`, {
      currentState: current,
      allowedStates: allowedNextStates(current),
    }),

  blockedByDependencies: (blockers: { id: string; state: TaskState }[]) =>
    new ProblemException(types['task-blocked-by-dependencies'], 'The task depends on tasks that have not completed.', { blockers }),

  misplacedDetail: (field: 'result' | 'error', only: TaskState) =>
    new ProblemException(types['task-detail-misplaced'], `${field} is kept only when moving to ${only}.`, {
      errors: [{ field, messages: [`${field} is only accepted when moving to ${only}`] }],
    }),

  unknownProject: (projectId: string) =>
    new ProblemException(platform['unknown-reference'], 'projectId names no project of this tenant.', {
      errors: [{ field: 'projectId', messages: [`unknown project ${projectId}`] }],
    }),

  unknownDependencies: (taskIds: readonly string[]) =>
    new ProblemException(platform['unknown-reference'], 'dependsOn names tasks that do not exist.', {
      errors: [{ field: 'dependsOn', messages: taskIds.map((id) => `unknown task ${id}`) }],
    }),

  unknownExecution: () =>
    new ProblemException(platform['unknown-reference'], 'executionId is not an execution of this task.', {
      errors: [{ field: 'executionId', messages: ['unknown execution for this task'] }],
    }),

  unknownArtifacts: (artifactIds: readonly string[]) =>
    new ProblemException(platform['unknown-reference'], 'artifactIds names artifacts that are not this task’s.', {
      errors: [{ field: 'artifactIds', messages: artifactIds.map((id) => `unknown artifact ${id}`) }],
    }),

  notFinal: (current: TaskState) =>
    new ProblemException(
      types['task-not-deletable'],
      `A ${current} task cannot be deleted; only completed, failed or cancelled ones can (cancel it first).`,
      {
        currentState: current,
        deletableStates: FINAL_STATES,
      },
    ),

  hasDependents: (dependents: { id: string; state: TaskState }[]) =>
    new ProblemException(
      types['task-has-dependents'],
      'Other tasks depend on this task; delete them or change what they depend on first.',
      { dependents },
    ),

  wrongState: (action: string, current: TaskState, required: TaskState) =>
    new ProblemException(types['task-wrong-state'], `Cannot ${action} while the task is ${current}; it must be ${required}.`, {
      currentState: current,
    }),

  selfDependency: (taskId: string) =>
    new ProblemException(types['task-dependency-cycle'], 'A task cannot depend on itself.', { cycle: [taskId, taskId] }),

  dependencyCycle: (cycle: string[]) =>
    new ProblemException(types['task-dependency-cycle'], 'These dependencies would create a cycle.', { cycle }),

  executionLimitReached: (executionCount: number, maxExecutions: number) =>
    new ProblemException(
      types['task-execution-limit-reached'],
      `The task has had ${executionCount} executions, the most a task may have; create a new task.`,
      {
        executionCount,
        maxExecutions,
      },
    ),

  executionFinished: (executionStatus: string) =>
    new ProblemException(types['task-execution-finished'], `The execution already finished as ${executionStatus}.`, { executionStatus }),

  closedToArtifacts: (current: TaskState) =>
    new ProblemException(types['task-closed-to-artifacts'], `A ${current} task takes no more artifacts.`, { currentState: current }),

  approvalNeedsPerson: () => new ProblemException(types['task-approval-needs-person'], 'Services cannot decide approvals; a person must.'),
};

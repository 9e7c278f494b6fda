import { ProblemException } from '../../platform/errors/problem.exception.js';
import { allowedNextStates, FINAL_STATES, type TaskState } from './task-state.js';

/** The refusals of this module that carry more than a sentence: the client can act on their members. */
export const TaskProblems = {
  notFound: (what = 'task') => new ProblemException(404, `The ${what} does not exist.`),

  illegalTransition: (current: TaskState, to: TaskState) =>
    new ProblemException(409, `A ${current} task cannot move to ${to}.`, { currentState: current, allowedStates: allowedNextStates(current) }),

  blockedByDependencies: (blockers: { id: string; state: TaskState }[]) =>
    new ProblemException(409, 'The task depends on tasks that have not completed.', { blockers }),

  misplacedDetail: (field: 'result' | 'error', only: TaskState) =>
    new ProblemException(400, `${field} is kept only when moving to ${only}.`, {
      errors: [{ field, messages: [`${field} is only accepted when moving to ${only}`] }],
    }),

  unknownProject: (projectId: string) =>
    new ProblemException(400, 'projectId names no project of this tenant.', {
      code: 'InvalidArgument',
      errors: [{ field: 'projectId', messages: [`unknown project ${projectId}`] }],
    }),

  notFinal: (current: TaskState) =>
    new ProblemException(409, `A ${current} task cannot be deleted; only completed, failed or cancelled ones can (cancel it first).`, {
      code: 'FailedPrecondition',
      currentState: current,
      deletableStates: FINAL_STATES,
    }),

  hasDependents: (dependents: { id: string; state: TaskState }[]) =>
    new ProblemException(409, 'Other tasks depend on this task; delete them or change what they depend on first.', {
      code: 'FailedPrecondition',
      dependents,
    }),

  wrongState: (action: string, current: TaskState, required: TaskState) =>
    new ProblemException(409, `Cannot ${action} while the task is ${current}; it must be ${required}.`, { currentState: current }),
};

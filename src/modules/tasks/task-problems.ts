import { ProblemException } from '../../platform/errors/problem.exception.js';
import { allowedNextStates, type TaskState } from './task-state.js';

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

  wrongState: (action: string, current: TaskState, required: TaskState) =>
    new ProblemException(409, `Cannot ${action} while the task is ${current}; it must be ${required}.`, { currentState: current }),
};

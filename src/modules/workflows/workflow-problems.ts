import { ProblemException, ValidationFailedException } from '../../platform/errors/problem.exception.js';
import type { FieldError } from '../../platform/errors/problem.js';
import { allowedNextStates, type ExecutionState } from './execution-state.js';

/** The refusals of this module, each with a stable `code` a client can act on. */
export const WorkflowProblems = {
  notFound: (what = 'workflow') => new ProblemException(404, `The ${what} does not exist.`, { code: 'NotFound' }),

  nameTaken: (name: string) =>
    new ProblemException(409, `A workflow named "${name}" already exists in this tenant; PUT /api/workflows/${name} writes its next version.`, {
      code: 'AlreadyExists',
      errors: [{ field: 'name', messages: ['already taken'] }],
    }),

  globalReadOnly: () =>
    new ProblemException(403, 'The workflow is a global catalogue template: every tenant reads and runs it, none changes it through the API; create a workflow of your own from its definition.', {
      code: 'PermissionDenied',
    }),

  invalid: (errors: FieldError[]) => new ValidationFailedException(errors),

  unknownAssets: (field: 'inputs' | 'outputs', ids: string[]) =>
    new ValidationFailedException([{ field, messages: [`not assets of this tenant: ${ids.join(', ')}`] }]),

  misplacedErrorMessage: () => new ValidationFailedException([{ field: 'errorMessage', messages: ['errorMessage is only accepted when moving to failed'] }]),

  illegalTransition: (current: ExecutionState, to: ExecutionState) =>
    new ProblemException(409, `A ${current} execution cannot move to ${to}.`, { code: 'FailedPrecondition', currentState: current, allowedStates: allowedNextStates(current) }),
};

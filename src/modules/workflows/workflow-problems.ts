import { ProblemException, ValidationFailedException } from '../../platform/errors/problem.exception.js';
import type { FieldError } from '../../platform/errors/problem.js';
import { defineProblemTypes, type ProblemType } from '../../platform/errors/problem-type.js';
import { allowedNextStates, type ExecutionState } from './execution-state.js';

/** The problem types this module raises (documented in docs/problems.md). */
export const WorkflowProblemTypes = defineProblemTypes('workflows', {
  'workflow-not-found': {
    status: 404,
    title: 'Workflow not found',
    when: 'No workflow of this tenant or the global catalogue has the name (another tenant’s workflows are never seen).',
  },
  'workflow-version-not-found': {
    status: 404,
    title: 'Workflow version not found',
    when: 'The workflow exists but has no such version.',
  },
  'workflow-execution-not-found': {
    status: 404,
    title: 'Workflow execution not found',
    when: 'The workflow execution does not exist in this tenant.',
  },
  'workflow-name-taken': {
    status: 409,
    title: 'Workflow name taken',
    when: 'A workflow of this tenant already has the name; `PUT /api/workflows/{name}` writes its next version instead.',
    members: { errors: 'the taken field: `[{ field: "name", messages }]`' },
  },
  'workflow-global-read-only': {
    status: 403,
    title: 'Global workflow is read-only',
    when: 'The workflow is a global catalogue template: every tenant reads and runs it, none changes it through the API; create a workflow of your own from its definition.',
  },
  'workflow-execution-transition-not-allowed': {
    status: 409,
    title: 'Workflow execution transition not allowed',
    when: 'The execution’s state machine does not lead from its current state to the requested one.',
    members: { currentState: 'the execution’s state now', allowedStates: 'the states it may move to next' },
  },
});

const { types } = WorkflowProblemTypes;

/** The not-found type of each thing the services name (`what`). */
const NOT_FOUND: Readonly<Record<string, ProblemType>> = {
  workflow: types['workflow-not-found'],
  'workflow version': types['workflow-version-not-found'],
  'workflow execution': types['workflow-execution-not-found'],
};

/** The refusals of this module, each of a catalogued type. */
export const WorkflowProblems = {
  notFound: (what: 'workflow' | 'workflow version' | 'workflow execution' | (string & {}) = 'workflow') =>
    new ProblemException(NOT_FOUND[what] ?? types['workflow-not-found'], `The ${what} does not exist.`),

  nameTaken: (name: string) =>
    new ProblemException(
      types['workflow-name-taken'],
      `A workflow named "${name}" already exists in this tenant; PUT /api/workflows/${name} writes its next version.`,
      {
        errors: [{ field: 'name', messages: ['already taken'] }],
      },
    ),

  globalReadOnly: () =>
    new ProblemException(
      types['workflow-global-read-only'],
      'The workflow is a global catalogue template: every tenant reads and runs it, none changes it through the API; create a workflow of your own from its definition.',
    ),

  invalid: (errors: FieldError[]) => new ValidationFailedException(errors),

  unknownAssets: (field: 'inputs' | 'outputs', ids: string[]) =>
    new ValidationFailedException([{ field, messages: [`not assets of this tenant: ${ids.join(', ')}`] }]),

  misplacedErrorMessage: () =>
    new ValidationFailedException([{ field: 'errorMessage', messages: ['errorMessage is only accepted when moving to failed'] }]),

  illegalTransition: (current: ExecutionState, to: ExecutionState) =>
    new ProblemException(types['workflow-execution-transition-not-allowed'], `A ${current} execution cannot move to ${to}.`, {
      currentState: current,
      allowedStates: allowedNextStates(current),
    }),

  invalidName: () =>
    new ValidationFailedException(
      [{ field: 'name', messages: ['letters, digits and . _ : - only, at most 200 characters'] }],
      'The workflow name is invalid: letters, digits and . _ : - only, at most 200 characters.',
    ),
};

import { ProblemException } from '../../platform/errors/problem.exception.js';

/** The refusals of this module, each with a stable `code` a client can act on. */
export const AssetProblems = {
  notFound: (what = 'asset') => new ProblemException(404, `The ${what} does not exist.`, { code: 'NotFound' }),

  nameTaken: (name: string) =>
    new ProblemException(409, `An asset named "${name}" already exists in this tenant.`, { code: 'AlreadyExists', errors: [{ field: 'name', messages: ['already taken'] }] }),

  duplicateDependency: () => new ProblemException(409, 'The asset already depends on that upstream asset with this type.', { code: 'AlreadyExists' }),

  selfDependency: () =>
    new ProblemException(400, 'An asset cannot depend on itself.', { code: 'InvalidArgument', errors: [{ field: 'upstreamId', messages: ['must differ from the asset'] }] }),

  unknownUpstream: () =>
    new ProblemException(404, 'The upstream asset does not exist.', { code: 'NotFound', errors: [{ field: 'upstreamId', messages: ['unknown asset'] }] }),

  derivedDependency: (workflowId: string) =>
    new ProblemException(409, 'The dependency is derived from a workflow’s declared inputs and outputs; change the workflow instead.', { code: 'FailedPrecondition', workflowId }),

  globalReadOnly: () =>
    new ProblemException(403, 'The asset is a global catalogue entry: every tenant reads it, none changes it through the API.', { code: 'PermissionDenied' }),

  declaredByWorkflows: () =>
    new ProblemException(409, 'Workflow versions declare the asset as an input or output; delete those workflows first.', { code: 'FailedPrecondition' }),
};

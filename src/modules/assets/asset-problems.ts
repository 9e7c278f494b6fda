import { ProblemException, ValidationFailedException } from '../../platform/errors/problem.exception.js';
import { defineProblemTypes } from '../../platform/errors/problem-type.js';

/** The problem types this module raises (documented in docs/problems.md). */
export const AssetProblemTypes = defineProblemTypes('assets', {
  'asset-not-found': {
    status: 404,
    title: 'Asset not found',
    when: 'The asset does not exist in this tenant or the global catalogue (another tenant’s assets are never seen).',
  },
  'asset-dependency-not-found': {
    status: 404,
    title: 'Asset dependency not found',
    when: 'The dependency does not exist on this asset in this tenant.',
  },
  'upstream-asset-not-found': {
    status: 404,
    title: 'Upstream asset not found',
    when: '`upstreamId` names no asset this tenant can see.',
    members: { errors: 'the field naming the unknown asset: `[{ field: "upstreamId", messages }]`' },
  },
  'asset-name-taken': {
    status: 409,
    title: 'Asset name taken',
    when: 'Another asset of this tenant already has the name; choose another (also on rename).',
    members: { errors: 'the taken field: `[{ field: "name", messages }]`' },
  },
  'asset-dependency-exists': {
    status: 409,
    title: 'Asset dependency exists',
    when: 'The asset already depends on that upstream asset with this dependency type.',
  },
  'asset-dependency-derived': {
    status: 409,
    title: 'Asset dependency derived from a workflow',
    when: 'The dependency comes from a workflow’s declared inputs and outputs and cannot be removed directly; change the workflow instead.',
    members: { workflowId: 'the workflow that declares the dependency' },
  },
  'asset-declared-by-workflows': {
    status: 409,
    title: 'Asset declared by workflows',
    when: 'Workflow versions declare the asset as an input or output, so it cannot be deleted; delete those workflows first.',
  },
  'asset-global-read-only': {
    status: 403,
    title: 'Global asset is read-only',
    when: 'The asset (or dependency) belongs to the global catalogue: every tenant reads it, none changes it through the API.',
  },
});

const { types } = AssetProblemTypes;

/** The refusals of this module, each of a catalogued type. */
export const AssetProblems = {
  notFound: (what: 'asset' | 'dependency' = 'asset') =>
    new ProblemException(
      what === 'dependency' ? types['asset-dependency-not-found'] : types['asset-not-found'],
      `The ${what} does not exist.`,
    ),

  nameTaken: (name: string) =>
    new ProblemException(types['asset-name-taken'], `An asset named "${name}" already exists in this tenant.`, {
      errors: [{ field: 'name', messages: ['already taken'] }],
    }),

  duplicateDependency: () =>
    new ProblemException(types['asset-dependency-exists'], 'The asset already depends on that upstream asset with this type.'),

  selfDependency: () =>
    new ValidationFailedException([{ field: 'upstreamId', messages: ['must differ from the asset'] }], 'An asset cannot depend on itself.'),

  unknownUpstream: () =>
    new ProblemException(types['upstream-asset-not-found'], 'The upstream asset does not exist.', {
      errors: [{ field: 'upstreamId', messages: ['unknown asset'] }],
    }),

  derivedDependency: (workflowId: string) =>
    new ProblemException(
      types['asset-dependency-derived'],
      'The dependency is derived from a workflow’s declared inputs and outputs; change the workflow instead.',
      { workflowId },
    ),

  globalReadOnly: () =>
    new ProblemException(
      types['asset-global-read-only'],
      'The asset is a global catalogue entry: every tenant reads it, none changes it through the API.',
    ),

  declaredByWorkflows: () =>
    new ProblemException(
      types['asset-declared-by-workflows'],
      'Workflow versions declare the asset as an input or output; delete those workflows first.',
    ),
};

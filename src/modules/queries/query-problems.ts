import { ProblemException } from '../../platform/errors/problem.exception.js';
import { defineProblemTypes } from '../../platform/errors/problem-type.js';

/** The problem types this module raises (documented in docs/problems.md). */
export const QueryProblemTypes = defineProblemTypes('queries', {
  'saved-query-not-found': {
    status: 404,
    title: 'Saved query not found',
    when: 'The saved query does not exist in this tenant (another tenant’s saved queries are never seen).',
  },
  'saved-query-name-taken': {
    status: 409,
    title: 'Saved query name taken',
    when: 'Another saved query of the tenant already has the name.',
    members: { errors: '`[{ field: "name", messages: ["already taken"] }]`' },
  },
  'saved-query-in-use': {
    status: 409,
    title: 'Saved query in use',
    when: 'Widgets still use the saved query; point them elsewhere (`savedQueryId: null`) before deleting it.',
  },
});

const { types } = QueryProblemTypes;

/** The refusals of this module, each of a catalogued type. */
export const QueryProblems = {
  notFound: () => new ProblemException(types['saved-query-not-found'], 'The saved query does not exist.'),

  nameTaken: (name: string) =>
    new ProblemException(types['saved-query-name-taken'], `A saved query named "${name}" already exists in this tenant.`, {
      errors: [{ field: 'name', messages: ['already taken'] }],
    }),

  inUse: () =>
    new ProblemException(
      types['saved-query-in-use'],
      'Widgets still use this saved query; point them elsewhere (savedQueryId: null) first.',
    ),
};

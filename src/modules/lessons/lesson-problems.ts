import { PlatformProblems } from '../../platform/errors/platform-problems.js';
import { ProblemException, ValidationFailedException } from '../../platform/errors/problem.exception.js';
import { defineProblemTypes } from '../../platform/errors/problem-type.js';

/** The problem types this module raises (documented in docs/problems.md). */
export const LessonProblemTypes = defineProblemTypes('lessons', {
  'lesson-not-found': {
    status: 404,
    title: 'Lesson not found',
    when: 'The lesson does not exist in this tenant (another tenant’s lessons are never seen).',
  },
  'pattern-not-found': {
    status: 404,
    title: 'Pattern not found',
    when: 'The pattern does not exist in this tenant.',
  },
});

const { types } = LessonProblemTypes;

/** The refusals of this module, each of a catalogued type. */
export const LessonProblems = {
  notFound: () => new ProblemException(types['lesson-not-found'], 'The lesson does not exist.'),

  patternNotFound: () => new ProblemException(types['pattern-not-found'], 'The pattern does not exist.'),

  relevanceWithoutSearch: () =>
    new ValidationFailedException([{ field: 'sort', messages: ['relevance needs q'] }], 'sort=relevance needs a search text q.'),

  unknownTask: () =>
    new ProblemException(PlatformProblems.types['unknown-reference'], 'taskId is not a task of this tenant.', {
      errors: [{ field: 'taskId', messages: ['unknown task'] }],
    }),

  inexactPattern: () =>
    new ValidationFailedException(
      [{ field: 'pattern', messages: ['numbers must be finite and within ±2^53'] }],
      'pattern holds a number JSON cannot carry exactly (beyond ±2^53, or not finite).',
    ),
};

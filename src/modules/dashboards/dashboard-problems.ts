import { PlatformProblems } from '../../platform/errors/platform-problems.js';
import { ProblemException, ValidationFailedException } from '../../platform/errors/problem.exception.js';
import { defineProblemTypes } from '../../platform/errors/problem-type.js';

/** The problem types this module raises (documented in docs/problems.md). */
export const DashboardProblemTypes = defineProblemTypes('dashboards', {
  'dashboard-not-found': {
    status: 404,
    title: 'Dashboard not found',
    when: 'The dashboard does not exist in this tenant, or the caller may not see it (a private dashboard of another user; a trashed one of which the caller is not the owner).',
  },
  'dashboard-version-not-found': {
    status: 404,
    title: 'Dashboard version not found',
    when: 'The version is not (or no longer) in the dashboard’s history.',
  },
  'dashboard-name-taken': {
    status: 409,
    title: 'Dashboard name taken',
    when: 'A live dashboard of the tenant already has the name (compared case-insensitively).',
    members: { errors: '`[{ field: "name", messages: ["already taken"] }]`' },
  },
  'dashboard-layout-too-narrow': {
    status: 400,
    title: 'Dashboard layout too narrow',
    when: '`layout.columns` would be fewer than a widget reaches (its x + w); move or resize the widget first.',
    members: { errors: 'the `layout.columns` field and the least it may be', minColumns: 'the widest widget’s x + w' },
  },
  'dashboard-session-config-limit-reached': {
    status: 409,
    title: 'Session config limit reached',
    when: 'The user already keeps the most session configs a dashboard allows; delete one (`DELETE …/config?sessionId=`) first.',
    members: { maxSessionConfigs: 'the most session configs a user keeps per dashboard' },
  },
});

const { types } = DashboardProblemTypes;
const INEXACT = 'numbers must be finite and within ±2^53';

/** The refusals of this module, each of a catalogued type. */
export const DashboardProblems = {
  notFound: () => new ProblemException(types['dashboard-not-found'], 'The dashboard does not exist.'),

  versionNotFound: () => new ProblemException(types['dashboard-version-not-found'], `That version is not in the dashboard's history.`),

  nameTaken: (name: string) =>
    new ProblemException(types['dashboard-name-taken'], `A dashboard named "${name}" already exists in this tenant.`, {
      errors: [{ field: 'name', messages: ['already taken'] }],
    }),

  unknownProject: () =>
    new ProblemException(PlatformProblems.types['unknown-reference'], 'projectId: not a project of this tenant.', {
      errors: [{ field: 'projectId', messages: ['not a project of this tenant'] }],
    }),

  layoutTooNarrow: (columns: number, widest: number) =>
    new ProblemException(
      types['dashboard-layout-too-narrow'],
      `layout.columns cannot be ${columns}: a widget reaches column ${widest}; move or resize it first.`,
      {
        errors: [{ field: 'layout.columns', messages: [`must be at least ${widest}, the widest widget's x + w`] }],
        minColumns: widest,
      },
    ),

  sessionConfigLimitReached: (maxSessionConfigs: number) =>
    new ProblemException(
      types['dashboard-session-config-limit-reached'],
      `A user keeps at most ${maxSessionConfigs} session configs of a dashboard; delete one (DELETE …/config?sessionId=) first.`,
      { maxSessionConfigs },
    ),

  inexactFilters: () =>
    new ValidationFailedException(
      [{ field: 'filters', messages: [INEXACT] }],
      'filters hold a number JSON cannot carry exactly (beyond ±2^53, or not finite).',
    ),

  inexactConfig: () =>
    new ValidationFailedException(
      [{ field: 'config', messages: [INEXACT] }],
      'The config holds a number JSON cannot carry exactly (beyond ±2^53, or not finite).',
    ),

  invalidCursor: () =>
    new ProblemException(
      PlatformProblems.types['invalid-cursor'],
      'The cursor is invalid; pass the nextCursor of a previous page unchanged, with the same sort.',
    ),

  malformedIfNoneMatch: () =>
    new ProblemException(
      PlatformProblems.types['invalid-precondition-header'],
      'If-None-Match must be * or a list of entity tags, e.g. "3" or W/"3".',
      {
        errors: [{ field: 'If-None-Match', messages: ['expected * or a comma-separated list of quoted entity tags'] }],
      },
    ),
};

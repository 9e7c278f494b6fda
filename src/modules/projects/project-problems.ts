import { PlatformProblems } from '../../platform/errors/platform-problems.js';
import { ProblemException } from '../../platform/errors/problem.exception.js';
import { defineProblemTypes } from '../../platform/errors/problem-type.js';

/** The problem types this module raises (documented in docs/problems.md). */
export const ProjectProblemTypes = defineProblemTypes('projects', {
  'project-not-found': {
    status: 404,
    title: 'Project not found',
    when: 'The project does not exist in this tenant (another tenant’s projects are never seen).',
  },
  'project-name-taken': {
    status: 409,
    title: 'Project name taken',
    when: 'Another project of the tenant already has the name (names are unique per tenant, archived projects included).',
    members: { errors: '`[{ field: "name", messages: ["already taken"] }]`' },
  },
  'project-in-use': {
    status: 409,
    title: 'Project in use',
    when: 'A project that still has tasks or dashboards (trashed ones included) cannot be deleted; archive it, or delete or move them first.',
    members: {
      taskCount: 'its tasks (absent when a concurrent write was caught by the database)',
      dashboardCount: 'its dashboards (idem)',
      trashedDashboardCount: 'its dashboards in the trash (idem)',
    },
  },
});

const { types } = ProjectProblemTypes;

/** The refusals of this module, each of a catalogued type. */
export const ProjectProblems = {
  notFound: () => new ProblemException(types['project-not-found'], 'The project does not exist.'),

  nameTaken: (name: string) =>
    new ProblemException(types['project-name-taken'], `A project named "${name}" already exists in this tenant.`, {
      errors: [{ field: 'name', messages: ['already taken'] }],
    }),

  archiveTwice: () =>
    new ProblemException(PlatformProblems.types['validation-failed'], 'Give archived or archivedAt, not both.', {
      errors: [{ field: 'archived', messages: ['cannot be combined with archivedAt'] }],
    }),

  /** Counts are known when the project was read locked; a write that raced past them is refused without. */
  inUse: (counts?: { taskCount: number; dashboardCount: number; trashedDashboardCount: number }) =>
    new ProblemException(
      types['project-in-use'],
      counts
        ? `The project still has ${counts.taskCount} task(s) and ${counts.dashboardCount + counts.trashedDashboardCount} dashboard(s)` +
            `${counts.trashedDashboardCount > 0 ? ` (${counts.trashedDashboardCount} in the trash)` : ''}; archive it instead (PATCH {"archived": true}), or delete or move them first.`
        : 'The project still has tasks or dashboards; archive it instead (PATCH {"archived": true}), or delete or move them first.',
      { ...counts },
    ),
};

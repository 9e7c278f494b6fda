import { ProblemException } from '../../platform/errors/problem.exception.js';

/** The refusals of this module, each with a stable `code` a client can act on. */
export const ProjectProblems = {
  notFound: () => new ProblemException(404, 'The project does not exist.', { code: 'NotFound' }),

  nameTaken: (name: string) =>
    new ProblemException(409, `A project named "${name}" already exists in this tenant.`, { code: 'AlreadyExists', errors: [{ field: 'name', messages: ['already taken'] }] }),

  archiveTwice: () =>
    new ProblemException(400, 'Give archived or archivedAt, not both.', {
      code: 'InvalidArgument',
      errors: [{ field: 'archived', messages: ['cannot be combined with archivedAt'] }],
    }),

  /** Counts are known when the project was read locked; a write that raced past them is refused without. */
  inUse: (counts?: { taskCount: number; dashboardCount: number; trashedDashboardCount: number }) =>
    new ProblemException(
      409,
      counts
        ? `The project still has ${counts.taskCount} task(s) and ${counts.dashboardCount + counts.trashedDashboardCount} dashboard(s)` +
            `${counts.trashedDashboardCount > 0 ? ` (${counts.trashedDashboardCount} in the trash)` : ''}; archive it instead (PATCH {"archived": true}), or delete or move them first.`
        : 'The project still has tasks or dashboards; archive it instead (PATCH {"archived": true}), or delete or move them first.',
      { code: 'FailedPrecondition', ...counts },
    ),
};

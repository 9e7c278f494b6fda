import { ProblemException, ValidationFailedException } from '../../platform/errors/problem.exception.js';
import { defineProblemTypes } from '../../platform/errors/problem-type.js';
import type { StatsBucket } from './dto/audit-stats.query.js';

/** The problem types this module raises (documented in docs/problems.md). */
export const AuditProblemTypes = defineProblemTypes('audit', {
  'audit-entry-not-found': {
    status: 404,
    title: 'Audit entry not found',
    when: 'No entry of this tenant’s audit trail has the id (another tenant’s entries are never seen).',
  },
  'audit-stats-range-too-wide': {
    status: 400,
    title: 'Statistics range too wide',
    when: 'The `from`–`to` range of `GET /api/audit-logs/stats` spans more than its bucket width allows (7 days of hourly buckets, 92 of daily ones); narrow it or use `bucket=day`.',
    members: { maxRangeDays: 'the widest range the bucket width allows, in days' },
  },
});

const { types } = AuditProblemTypes;

/** The refusals of this module, each of a catalogued type. */
export const AuditProblems = {
  entryNotFound: () => new ProblemException(types['audit-entry-not-found'], 'No audit entry with this id.'),

  invertedRange: () => new ValidationFailedException([{ field: 'from', messages: ['must be before to'] }], '`from` must be before `to`.'),

  rangeTooWide: (bucket: StatsBucket, maxRangeText: string, maxRangeDays: number) =>
    new ProblemException(
      types['audit-stats-range-too-wide'],
      `A range of ${bucket === 'hour' ? 'hourly' : 'daily'} buckets may span at most ${maxRangeText}; narrow from/to or use bucket=day.`,
      { maxRangeDays },
    ),
};

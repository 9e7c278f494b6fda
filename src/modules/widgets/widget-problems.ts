import { PlatformProblems } from '../../platform/errors/platform-problems.js';
import { ProblemException, ValidationFailedException } from '../../platform/errors/problem.exception.js';
import type { FieldError } from '../../platform/errors/problem.js';
import { defineProblemTypes } from '../../platform/errors/problem-type.js';

/** The problem types this module raises (documented in docs/problems.md). */
export const WidgetProblemTypes = defineProblemTypes('widgets', {
  'widget-not-found': {
    status: 404,
    title: 'Widget not found',
    when: 'The widget does not exist in this tenant, or is on a dashboard the caller may not see.',
  },
  'widgets-not-on-dashboard': {
    status: 404,
    title: 'Widgets not on the dashboard',
    when: 'A layout change names widgets that are not on the dashboard; nothing was moved.',
    members: { missingWidgetIds: 'the ids that are not widgets of the dashboard' },
  },
  'widget-limit-reached': {
    status: 409,
    title: 'Widget limit reached',
    when: 'The dashboard already holds the most widgets a dashboard may hold; delete one first.',
    members: { maxWidgets: 'the most widgets a dashboard holds' },
  },
  'dashboard-content-too-large': {
    status: 413,
    title: 'Dashboard content too large',
    when: 'The change would make the configs and queries of a dashboard’s widgets, as JSON, larger than a dashboard may hold.',
    members: { maxBytes: 'the most bytes a dashboard’s widgets may hold', bytes: 'the bytes the change would make' },
  },
  'widget-queries-not-restorable': {
    status: 400,
    title: 'Widget queries not restorable',
    when: 'A dashboard version cannot be restored because the queries of some of its widgets are no longer valid (a table or column left the schema configuration, a saved query was deleted); nothing was restored.',
    members: {
      errors: 'what is invalid in each widget’s query: `[{ field, messages }]`',
      widgetIds: 'the widgets whose queries are invalid',
    },
  },
});

const { types } = WidgetProblemTypes;

/** The refusals of this module, each of a catalogued type. */
export const WidgetProblems = {
  notFound: () => new ProblemException(types['widget-not-found'], 'The widget does not exist.'),

  notOnDashboard: (missingWidgetIds: string[]) =>
    new ProblemException(
      types['widgets-not-on-dashboard'],
      `Not widgets of this dashboard: ${missingWidgetIds.join(', ')}. Nothing was moved.`,
      { missingWidgetIds },
    ),

  limitReached: (maxWidgets: number) =>
    new ProblemException(types['widget-limit-reached'], `A dashboard holds at most ${maxWidgets} widgets.`, { maxWidgets }),

  contentTooLarge: (bytes: number, maxBytes: number, kib: number) =>
    new ProblemException(
      types['dashboard-content-too-large'],
      `A dashboard's widgets may hold at most ${maxBytes / kib} KiB of config and queries (as JSON); this change makes ${Math.ceil(bytes / kib)} KiB.`,
      { maxBytes, bytes },
    ),

  queriesNotRestorable: (named: string, errors: FieldError[], widgetIds: string[]) =>
    new ProblemException(
      types['widget-queries-not-restorable'],
      `The version cannot be restored: the queries of ${named} are no longer valid (see errors). Nothing was restored.`,
      {
        errors,
        widgetIds,
      },
    ),

  /** One invalid field of a widget (its box, config or query), as a validation problem. */
  invalid: (field: string, message: string) => new ValidationFailedException([{ field, messages: [message] }], `${field}: ${message}.`),

  unknownSavedQuery: () =>
    new ProblemException(PlatformProblems.types['unknown-reference'], 'savedQueryId: not a saved query of this tenant.', {
      errors: [{ field: 'savedQueryId', messages: ['not a saved query of this tenant'] }],
    }),
};

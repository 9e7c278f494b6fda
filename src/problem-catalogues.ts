import { AssetProblemTypes } from './modules/assets/asset-problems.js';
import { AuditProblemTypes } from './modules/audit/audit-problems.js';
import { DashboardProblemTypes } from './modules/dashboards/dashboard-problems.js';
import { LessonProblemTypes } from './modules/lessons/lesson-problems.js';
import { ProjectProblemTypes } from './modules/projects/project-problems.js';
import { QueryProblemTypes } from './modules/queries/query-problems.js';
import { TaskProblemTypes } from './modules/tasks/task-problems.js';
import { WidgetProblemTypes } from './modules/widgets/widget-problems.js';
import { WorkflowProblemTypes } from './modules/workflows/workflow-problems.js';
import { PlatformProblems } from './platform/errors/platform-problems.js';
import type { ProblemCatalogue, ProblemType } from './platform/errors/problem-type.js';

/**
 * Every problem type the service can answer with: the platform's, then each module's catalogue
 * (its `*-problems.ts`). docs/problems.md is generated from this list (`npm run docs:problems`); a
 * test fails when a module's catalogue is missing here.
 */
export const PROBLEM_CATALOGUES: readonly ProblemCatalogue[] = [
  PlatformProblems,
  ProjectProblemTypes,
  TaskProblemTypes,
  LessonProblemTypes,
  QueryProblemTypes,
  DashboardProblemTypes,
  WidgetProblemTypes,
  AssetProblemTypes,
  WorkflowProblemTypes,
  AuditProblemTypes,
];

export const ALL_PROBLEM_TYPES: readonly ProblemType[] = PROBLEM_CATALOGUES.flatMap((catalogue) =>
  Object.values<ProblemType>(catalogue.types),
);

/** The catalogued type of a problem's `type` URI, if any. */
export function problemTypeOf(uri: string): ProblemType | undefined {
  return ALL_PROBLEM_TYPES.find((type) => type.uri === uri);
}

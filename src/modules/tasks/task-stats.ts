import { TASK_STATES, type TaskState } from './task-state.js';

/** How many of a project's tasks (null: tasks of no project) are in a state. */
export interface StateCount {
  projectId: string | null;
  state: TaskState;
  count: number;
}

export type CountsByState = Record<TaskState, number>;

/** Totals per state, every state present; per project too (ordered by project, no project first) when asked. */
export function taskStats(counts: readonly StateCount[], groupBy?: 'project') {
  const byState = zeroCounts();
  const byProject = new Map<string | null, CountsByState>();
  for (const { projectId, state, count } of counts) {
    byState[state] += count;
    const project = byProject.get(projectId) ?? zeroCounts();
    project[state] += count;
    byProject.set(projectId, project);
  }
  return {
    total: sum(byState),
    byState,
    ...(groupBy === 'project' && {
      byProject: [...byProject]
        .map(([projectId, projectCounts]) => ({ projectId, total: sum(projectCounts), byState: projectCounts }))
        .sort((a, b) => (a.projectId ?? '').localeCompare(b.projectId ?? '')),
    }),
  };
}

/** How many tasks a project has, in total and in each state (every state present). */
export interface ProjectTaskCounts {
  total: number;
  byState: CountsByState;
}

/** Each of `projectIds` with its counts (zeros for a project without tasks). */
export function countsPerProject(projectIds: readonly string[], counts: readonly StateCount[]): Map<string, ProjectTaskCounts> {
  const byProject = new Map(projectIds.map((id) => [id, zeroCounts()]));
  for (const { projectId, state, count } of counts) {
    const project = projectId === null ? undefined : byProject.get(projectId);
    if (project) project[state] += count;
  }
  return new Map([...byProject].map(([id, byState]) => [id, { total: sum(byState), byState }]));
}

function zeroCounts(): CountsByState {
  return Object.fromEntries(TASK_STATES.map((state) => [state, 0])) as CountsByState;
}

function sum(counts: CountsByState): number {
  return Object.values(counts).reduce((total, count) => total + count, 0);
}

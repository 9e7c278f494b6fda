import type { ProjectTaskCounts } from '../tasks/tasks.service.js';

/** A project's own fields as read (instants as ISO text, the way the API writes them). */
export interface ProjectRow {
  id: string;
  name: string;
  description: string | null;
  settings: Record<string, unknown>;
  archivedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What a client may set; `archivedAt: 'now'` archives at the time of the write unless already archived. */
export interface ProjectContent {
  name: string;
  description: string | null;
  settings: Record<string, unknown>;
  archivedAt: Date | null | 'now';
}

export interface ProjectFilters {
  q?: string;
  archived?: boolean;
}

/** A project with what it holds: its tasks counted by state, its live dashboards counted. */
export function projectView(row: ProjectRow, tasks: ProjectTaskCounts, dashboardCount: number) {
  return { ...row, archived: row.archivedAt !== null, taskCounts: tasks, dashboardCount };
}
export type ProjectView = ReturnType<typeof projectView>;

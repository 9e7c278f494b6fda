import { arrayOf, Instant, Integer, JsonObject, namedSchema, nullable, objectOf, pageOf, Uuid } from '../../../platform/http/openapi.js';

/**
 * The response schemas of the projects module, matching project.view.ts. Task shapes are the tasks
 * module's components, referred to by name (a module never imports another's files).
 */

const TaskCounts = { $ref: '#/components/schemas/TaskCounts' };
const TaskListItem = { $ref: '#/components/schemas/TaskListItem' };

export const ProjectSchema = namedSchema(
  'Project',
  objectOf(
    {
      id: Uuid,
      name: { type: 'string', example: 'Checkout redesign' },
      description: { type: 'string', nullable: true },
      settings: JsonObject,
      archivedAt: nullable(Instant),
      createdAt: Instant,
      updatedAt: Instant,
      archived: { type: 'boolean' },
      taskCounts: TaskCounts,
      dashboardCount: Integer,
    },
    { description: 'A project, with its tasks counted by state and its live dashboards counted.' },
  ),
);

export const ProjectPageSchema = pageOf('ProjectPage', ProjectSchema);
export const RecentTasksSchema = namedSchema(
  'RecentTasks',
  objectOf({ items: arrayOf(TaskListItem, "The project's latest tasks, newest first.") }),
);

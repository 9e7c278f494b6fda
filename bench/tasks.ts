import type { INestApplicationContext } from '@nestjs/common';
import type { ListTasksQuery } from '../src/modules/tasks/dto/list-tasks.query.js';
import { TasksService } from '../src/modules/tasks/tasks.service.js';
import { principalOf } from '../src/platform/auth/principal.js';
import { explainCalls } from './explain.js';

const list = (query: Partial<ListTasksQuery>) => ({ limit: 50, ...query }) as ListTasksQuery;

/** The task routes' statements on the large tenant: first page, state filter, a deep page, a read by id. */
export function explainTaskQueries(
  runtimeUrl: string,
  tenant: string,
  userId: string,
  deepCursor: string,
  taskId: string,
): Promise<string> {
  const tasks = (app: INestApplicationContext) => app.get(TasksService, { strict: false });
  return explainCalls(runtimeUrl, principalOf(tenant, userId, []), [
    ['first page', (app) => tasks(app).list(list({}))],
    ['state filter', (app) => tasks(app).list(list({ state: ['running'] }))],
    ['a page deep in the list (keyset)', (app) => tasks(app).list(list({ cursor: deepCursor }))],
    ['by id', (app) => tasks(app).get(taskId)],
  ]);
}

import type pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { taskDetailSelect, taskInsert, taskLockSelect, taskMoveUpdate, taskPageSelect } from '../../src/modules/tasks/task.repository.js';
import { taskListItemView, taskView } from '../../src/modules/tasks/task.view.js';
import { blockersSelect, dependsOnSelect } from '../../src/modules/tasks/task-dependency.repository.js';
import { canTransition, isFinal, TASK_STATES, TaskState } from '../../src/modules/tasks/task-state.js';
import type { TaskTables } from '../../src/modules/tasks/task-tables.js';
import { NEWEST_FIRST } from '../../src/platform/pagination/keyset.js';
import { firstPage } from './first-page.js';
import { compiler, queryRows } from './sql-compiler.js';
import { limitParam, TwinProblem, type TwinRoutes, uuidParam } from './twin-server.js';

const notFound = () => new TwinProblem(404, 'The task does not exist.');
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The task routes the benchmark drives, each doing what Tessera's does on the database and in its answer. */
export function taskRoutes(routes: TwinRoutes): void {
  routes.add('GET', '/tasks', async ({ principal, inTransaction }, request) => {
    const limit = limitParam(request);
    const page = await inTransaction((client) =>
      firstPage(client, taskPageSelect(compiler, principal.tenantId, {}), 't', limit, NEWEST_FIRST),
    );
    return { ...page, items: page.items.map(taskListItemView) };
  });

  routes.add('GET', '/tasks/:id', async ({ principal, inTransaction }, request) => {
    const id = uuidParam(request);
    const [task] = await inTransaction((client) => queryRows(client, taskDetailSelect(compiler, principal.tenantId, id)));
    if (!task) throw notFound();
    return task;
  });

  routes.add('POST', '/tasks', async ({ principal, inTransaction }, request, reply) => {
    const input = request.body as Record<string, unknown> | null;
    if (!isObject(input) || typeof input.prompt !== 'string' || input.prompt.length === 0) throw new TwinProblem(400, 'prompt is required');
    const config = input.config ?? {};
    const metadata = input.metadata ?? {};
    const projectId = typeof input.projectId === 'string' ? input.projectId.toLowerCase() : null;
    if (!isObject(config) || !isObject(metadata)) throw new TwinProblem(400, 'config and metadata must be objects');
    const now = new Date();
    const task = {
      id: uuidv7(),
      tenantId: principal.tenantId,
      projectId,
      userId: principal.actorId,
      prompt: input.prompt,
      state: TaskState.Pending,
      config,
      metadata,
      createdAt: now,
      updatedAt: now,
    };
    await inTransaction((client) => queryRows(client, taskInsert(task)));
    void reply.status(201).header('Location', `/api/tasks/${task.id}`);
    return taskView(task, []);
  });

  routes.add('POST', '/tasks/:id/transitions', async ({ principal, inTransaction }, request) => {
    const id = uuidParam(request);
    const to = (request.body as { to?: unknown } | null)?.to as TaskState;
    if (!TASK_STATES.includes(to)) throw new TwinProblem(400, 'to must be a task state');
    // The benchmark's cycle (running ⇄ awaiting_approval) never ends a task: its writes are all the twin has.
    if (isFinal(to)) throw new TwinProblem(400, 'the thin twin moves tasks to states that are not final only');
    return inTransaction(async (client) => {
      const [row] = await queryRows(client, taskLockSelect(compiler, principal.tenantId, id));
      if (!row) throw notFound();
      if (!canTransition(row.state, to)) throw new TwinProblem(409, `A ${row.state} task cannot move to ${to}.`);
      if (to === TaskState.Running) {
        const blockers = await queryRows(client, blockersSelect(compiler, principal.tenantId, id));
        if (blockers.length > 0) throw new TwinProblem(409, 'The task waits for tasks it depends on.');
      }
      const updatedAt = new Date();
      await queryRows(client, taskMoveUpdate(compiler, principal.tenantId, id, { state: to }, updatedAt));
      return taskView({ ...taskOf(row), state: to, updatedAt }, await dependsOnOf(client, principal.tenantId, id));
    });
  });
}

/** A task's row as taskLockSelect reads it: the table's columns but the large fields' extents. */
type TaskRow = Omit<TaskTables['tasks'], `${string}_preview` | `${string}_bytes`>;

/** The row as the entity the ORM maps it (the fields taskView reads). */
function taskOf(row: TaskRow) {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    projectId: row.project_id,
    userId: row.user_id,
    prompt: row.prompt,
    state: row.state,
    currentAgent: row.current_agent,
    config: row.config,
    result: row.result,
    error: row.error,
    metadata: row.metadata,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
  };
}

async function dependsOnOf(client: pg.PoolClient, tenantId: string, taskId: string): Promise<string[]> {
  const rows = await queryRows(client, dependsOnSelect(compiler, tenantId, [taskId]));
  return rows.map((edge) => edge.depends_on_id);
}

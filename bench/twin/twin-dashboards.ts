import type pg from 'pg';
import type { Environment } from '../../src/config/environment.js';
import { dashboardWithContentsSelect } from '../../src/modules/dashboards/dashboard.repository.js';
import { dashboardView } from '../../src/modules/dashboards/dashboard.view.js';
import { DashboardAccess } from '../../src/modules/dashboards/dashboard-access.js';
import { archiveStatement, pruneStatement } from '../../src/modules/dashboards/dashboard-history.repository.js';
import { LARGE_WIDGET_MEMBERS } from '../../src/modules/widgets/dashboard-widgets.service.js';
import { type GridBox, moveStatement, widgetContentsOf } from '../../src/modules/widgets/widget.repository.js';
import { shownWidget, type WidgetJson } from '../../src/modules/widgets/widget.view.js';
import { fittedBox } from '../../src/modules/widgets/widget-rules.js';
import { mayChange } from '../../src/platform/auth/ownership.js';
import type { Principal } from '../../src/platform/auth/principal.js';
import { etagOf } from '../../src/platform/http/preconditions.js';
import { LOCK_LIVE_DASHBOARD, UPDATE_DASHBOARD_VERSION, UPDATE_DASHBOARD_VERSION_AND_ACTOR } from './dashboard-statements.js';
import { compiler, queryRows } from './sql-compiler.js';
import { TwinProblem, type TwinRoutes, uuidParam } from './twin-server.js';

const notFound = () => new TwinProblem(404, 'The dashboard does not exist.');

/**
 * GET /api/dashboards/:id (the one-statement read, visibility decided on the row) and PATCH
 * /api/dashboards/:id/layout (a change of the dashboard as DashboardChanges.run makes it: locked,
 * archived, the widgets moved, history pruned, version + 1; then the read).
 */
export function dashboardRoutes(routes: TwinRoutes, history: HistoryLimits): void {
  routes.add('GET', '/dashboards/:id', async ({ principal, inTransaction }, request, reply) => {
    const id = uuidParam(request);
    const dashboard = await inTransaction((client) => dashboardWithWidgets(client, principal, id));
    void reply.header('ETag', etagOf(dashboard.version)).header('Cache-Control', 'private, no-cache');
    return dashboard;
  });

  routes.add('PATCH', '/dashboards/:id/layout', async ({ principal, inTransaction }, request, reply) => {
    const id = uuidParam(request);
    const moves = request.body as { widgetId: string; position: GridBox }[];
    if (!Array.isArray(moves) || moves.length === 0) throw new TwinProblem(400, 'a layout batch is a non-empty array of moves');
    const dashboard = await inTransaction(async (client) => {
      const [locked] = (await client.query<LockedDashboard>(LOCK_LIVE_DASHBOARD, [principal.tenantId, id])).rows;
      if (!locked || !DashboardAccess.canSee(principal, fieldsOf(locked))) throw notFound();
      if (!mayChange(principal, locked.owner_id)) throw new TwinProblem(403, 'Only the owner of the dashboard or an admin may change it.');
      const now = new Date();
      const shape = { contentsOf: widgetContentsOf, largeMembers: LARGE_WIDGET_MEMBERS };
      await queryRows(client, archiveStatement(principal.tenantId, principal.actorId, id, now, shape));
      const boxes = moves.map((move, index) => ({
        widgetId: move.widgetId,
        ...fittedBox(move.position, locked.layout.columns, `${index}.position`),
      }));
      const found = new Set((await queryRows(client, moveStatement(principal.tenantId, id, boxes, new Date()))).map((row) => row.id));
      if (moves.some((move) => !found.has(move.widgetId.toLowerCase()))) throw new TwinProblem(404, 'The widget does not exist.');
      const cutoff = new Date(Date.now() - history.DASHBOARD_HISTORY_MAX_DAYS * 86_400_000);
      await queryRows(client, pruneStatement(principal.tenantId, id, locked.version - history.DASHBOARD_HISTORY_MAX_VERSIONS + 1, cutoff));
      await (locked.updated_by === principal.actorId
        ? client.query(UPDATE_DASHBOARD_VERSION, [locked.version + 1, now, id])
        : client.query(UPDATE_DASHBOARD_VERSION_AND_ACTOR, [locked.version + 1, now, principal.actorId, id]));
      return dashboardWithWidgets(client, principal, id);
    });
    void reply.header('ETag', etagOf(dashboard.version));
    return dashboard;
  });
}

export type HistoryLimits = Pick<Environment, 'DASHBOARD_HISTORY_MAX_VERSIONS' | 'DASHBOARD_HISTORY_MAX_DAYS'>;

/** The dashboard with its widgets as every read shows them, if the principal may see it; else 404. */
async function dashboardWithWidgets(client: pg.ClientBase, principal: Principal, id: string) {
  const [row] = await queryRows(client, dashboardWithContentsSelect(compiler, principal.tenantId, id, widgetContentsOf));
  if (!row || !DashboardAccess.canSee(principal, row)) throw notFound();
  const widgets = ((row.contents ?? []) as WidgetJson[]).map(shownWidget);
  return { ...dashboardView(row), widgetCount: widgets.length, widgets };
}

interface LockedDashboard {
  owner_id: string;
  is_public: boolean;
  allowed_viewers: string[];
  layout: { columns: number };
  version: number;
  updated_by: string;
}

const fieldsOf = (row: LockedDashboard) => ({ ownerId: row.owner_id, isPublic: row.is_public, allowedViewers: row.allowed_viewers });

import { Injectable, OnModuleInit } from '@nestjs/common';
import { ForeignKeyConstraintViolationException, sql } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import type { FieldError } from '../../platform/errors/problem.js';
import { ProblemException, ValidationFailedException } from '../../platform/errors/problem.exception.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import { DashboardContents, type DashboardContent } from '../dashboards/dashboard-content.js';
import { DashboardsService, type EditableDashboard } from '../dashboards/dashboards.service.js';
import { SavedQueriesService } from '../queries/saved-queries.service.js';
import { assertJsonWithin, hasInexactNumber, KIB } from '../../platform/http/json-size.js';
import { changesAnything } from '../../platform/http/patch-body.js';
import type { Precondition } from '../../platform/http/preconditions.js';
import type { QueryDefinitionDto } from '../queries/dto/query-definition.dto.js';
import type { CreateWidgetDto, WidgetPositionDto } from './dto/create-widget.dto.js';
import type { LayoutMoveDto } from './dto/layout-move.dto.js';
import type { UpdateWidgetDto } from './dto/update-widget.dto.js';
import { Widget } from './widget.entity.js';
import { TEXT_WIDGET, type WidgetType } from './widget-type.js';
import { WidgetView, widgetView, widgetsJson } from './widget.view.js';

export const MAX_WIDGETS_PER_DASHBOARD = 100;
export const MAX_WIDGET_CONFIG_BYTES = 64 * KIB;
/** All of a dashboard's widget configs and queries, as JSON: what one change re-reads and hashes for its history. */
export const MAX_DASHBOARD_CONTENT_BYTES = 1024 * KIB;

export type VersionedWidget = WidgetView & { dashboardVersion: number };

/**
 * Widgets of the current tenant's dashboards. Every change goes through DashboardsService.edit(): the
 * dashboard row locked, 404/403/412 decided there, the previous state kept in its history and its
 * version bumped — so a widget change is a dashboard change. Also the dashboards' content provider.
 */
@Injectable()
export class WidgetsService implements DashboardContent, OnModuleInit {
  constructor(
    private readonly em: EntityManager,
    private readonly dashboards: DashboardsService,
    private readonly contents: DashboardContents,
    private readonly savedQueries: SavedQueriesService,
  ) {}

  onModuleInit(): void {
    this.contents.register(this);
  }

  async create(dashboardId: string, input: CreateWidgetDto, precondition: Precondition | undefined): Promise<VersionedWidget> {
    const query = await this.checkedQuery(input.type, input.query);
    const config = checkedConfig(input.config ?? {});
    const { result: widget, version } = await this.dashboards.edit(dashboardId, precondition, async (dashboard) => {
      checkPosition(input.position, dashboard, 'position');
      if ((await this.em.count(Widget, { dashboardId })) >= MAX_WIDGETS_PER_DASHBOARD) {
        throw new ProblemException(409, `A dashboard holds at most ${MAX_WIDGETS_PER_DASHBOARD} widgets.`);
      }
      const created = this.em.create(Widget, {
        dashboardId: dashboard.id,
        type: input.type,
        title: input.title,
        query,
        savedQueryId: input.savedQueryId ?? null,
        ...positionColumns(input.position),
        config,
      });
      await this.flushRefusingForeignSavedQuery();
      await this.assertContentWithinCap(dashboard.id);
      return created;
    });
    return { ...widgetView(widget), dashboardVersion: version };
  }

  /** A widget of a live dashboard the caller may see, else 404. */
  async get(id: string): Promise<VersionedWidget> {
    const widget = await this.find(id);
    const dashboard = await this.dashboards.readable(widget.dashboardId);
    return { ...widgetView(widget), dashboardVersion: dashboard.version };
  }

  /** A PATCH naming no field changes nothing: no new dashboard version (the checks still apply). */
  async update(id: string, changes: UpdateWidgetDto, precondition: Precondition | undefined): Promise<VersionedWidget> {
    const { dashboardId } = await this.find(id);
    if (!changesAnything(changes)) {
      await this.dashboards.assertChangeable(dashboardId, precondition);
      return this.get(id);
    }
    const { result: widget, version } = await this.dashboards.edit(dashboardId, precondition, async (dashboard) => {
      // Re-read under the dashboard's lock: every widget change holds it, so this is the current state.
      const current = await this.find(id, true);
      const type = changes.type ?? current.type;
      if (changes.query !== undefined) {
        current.query = await this.checkedQuery(type, changes.query);
      } else if (type === TEXT_WIDGET) {
        current.query = null;
      } else if (current.query == null) {
        throw invalid('query', `a ${type} widget needs a query`);
      }
      if (changes.position !== undefined) Object.assign(current, positionColumns(checkPosition(changes.position, dashboard, 'position')));
      if (changes.config !== undefined) current.config = checkedConfig(changes.config);
      if (changes.title !== undefined) current.title = changes.title;
      if (changes.savedQueryId !== undefined) current.savedQueryId = changes.savedQueryId;
      current.type = type;
      current.updatedAt = new Date();
      await this.flushRefusingForeignSavedQuery();
      await this.assertContentWithinCap(dashboardId);
      return current;
    });
    return { ...widgetView(widget), dashboardVersion: version };
  }

  private async assertContentWithinCap(dashboardId: string): Promise<void> {
    const [{ bytes }] = await this.em.execute<{ bytes: number }[]>(sql`
      select coalesce(sum(octet_length(config::text) + coalesce(octet_length(query::text), 0)), 0)::int as bytes
      from widgets where tenant_id = ${TenantContext.current().tenantId} and dashboard_id = ${dashboardId}`);
    if (bytes > MAX_DASHBOARD_CONTENT_BYTES) {
      throw new ProblemException(413, `A dashboard's widgets may hold at most ${MAX_DASHBOARD_CONTENT_BYTES / KIB} KiB of config and queries (as JSON); this change makes ${Math.ceil(bytes / KIB)} KiB.`);
    }
  }

  async delete(id: string, precondition: Precondition | undefined): Promise<void> {
    const { dashboardId } = await this.find(id);
    await this.dashboards.edit(dashboardId, precondition, async () => {
      if ((await this.em.nativeDelete(Widget, { id })) === 0) throw widgetNotFound();
    });
  }

  /**
   * Moves many widgets of one dashboard at once, all or nothing: a widget that is not on this
   * dashboard (another's, another tenant's, unknown) is a 404 and a position past the grid a 400,
   * before anything moves. One version for the whole batch.
   */
  async moveMany(dashboardId: string, moves: LayoutMoveDto[], precondition: Precondition | undefined): Promise<void> {
    await this.dashboards.edit(dashboardId, precondition, async (dashboard) => {
      moves.forEach((move, index) => checkPosition(move.position, dashboard, `${index}.position`));
      // One statement for the whole batch; if it did not find every widget, the refusal rolls it back.
      const moved = await this.em.execute<{ id: string }[]>(
        `update widgets wg set x = m.x, y = m.y, w = m.w, h = m.h, updated_at = ?::timestamptz
         from jsonb_to_recordset(?::jsonb) as m(widget_id uuid, x int, y int, w int, h int)
         where wg.tenant_id = ? and wg.dashboard_id = ? and wg.id = m.widget_id
         returning wg.id`,
        [
          new Date().toISOString(),
          JSON.stringify(moves.map((move) => ({ widget_id: move.widgetId, ...positionColumns(move.position) }))),
          TenantContext.current().tenantId,
          dashboardId,
        ],
      );
      const found = new Set(moved.map((row) => row.id));
      const missing = moves.map((move) => move.widgetId).filter((id) => !found.has(id.toLowerCase()));
      if (missing.length > 0) {
        throw new ProblemException(404, `Not widgets of this dashboard: ${missing.join(', ')}. Nothing was moved.`, { missingWidgetIds: missing });
      }
    });
  }

  /* DashboardContent: what the dashboards module reads and restores of a dashboard's widgets. */

  jsonOf(dashboardAlias: string): string {
    return widgetsJson(dashboardAlias);
  }

  readonly largeMembers = ['query', 'config'] as const;

  /**
   * The snapshot's widgets (widgetView()s) replace the current ones, with their ids; references to
   * deleted saved queries are dropped. Their queries must still pass today's checks (the tenant's
   * schema configuration may have changed since): else a 400 naming the widgets, and nothing changes.
   */
  async restore(dashboardId: string, snapshot: unknown[]): Promise<void> {
    const widgets = snapshot as WidgetView[];
    await this.assertQueriesStillValid(widgets);
    const savedQueries = await this.savedQueries.existing(widgets.flatMap((widget) => (widget.savedQueryId ? [widget.savedQueryId] : [])));
    await this.em.nativeDelete(Widget, { dashboardId });
    const now = new Date();
    for (const widget of widgets) {
      this.em.create(Widget, {
        id: widget.id,
        dashboardId,
        type: widget.type,
        title: widget.title,
        query: widget.query,
        savedQueryId: widget.savedQueryId && savedQueries.has(widget.savedQueryId) ? widget.savedQueryId : null,
        ...positionColumns(widget.position),
        config: widget.config,
        createdAt: new Date(widget.createdAt),
        updatedAt: now,
      });
    }
  }

  private async assertQueriesStillValid(widgets: WidgetView[]): Promise<void> {
    const errors: FieldError[] = [];
    const refused: WidgetView[] = [];
    for (const [index, widget] of widgets.entries()) {
      if (widget.query === null) continue;
      try {
        await this.savedQueries.checkedQuery(widget.query as unknown as QueryDefinitionDto, `widgets.${index}.query`);
      } catch (error) {
        if (!(error instanceof ValidationFailedException)) throw error;
        errors.push(...(error.getResponse() as { errors: FieldError[] }).errors);
        refused.push(widget);
      }
    }
    if (refused.length > 0) {
      const named = refused.map((widget) => `"${widget.title}" (${widget.id})`).join(', ');
      throw new ProblemException(400, `The version cannot be restored: the queries of ${named} are no longer valid (see errors). Nothing was restored.`, {
        errors,
        widgetIds: refused.map((widget) => widget.id),
      });
    }
  }

  async widestExtent(dashboardId: string): Promise<number> {
    const [row] = await this.em.execute<{ widest: number }[]>(
      'select coalesce(max(x + w), 0)::int as widest from widgets where tenant_id = ? and dashboard_id = ?',
      [TenantContext.current().tenantId, dashboardId],
    );
    return row?.widest ?? 0;
  }

  private async find(id: string, refresh = false): Promise<Widget> {
    const widget = await this.em.findOne(Widget, { id }, { refresh });
    if (!widget) throw widgetNotFound();
    return widget;
  }

  /** A text widget has no query; every other type needs one (checked like a saved query's). */
  private async checkedQuery(type: WidgetType, query: CreateWidgetDto['query']): Promise<Record<string, unknown> | null> {
    if (type === TEXT_WIDGET) {
      if (query != null) throw invalid('query', 'a text widget has no query: send null or leave it out');
      return null;
    }
    if (query == null) throw invalid('query', `a ${type} widget needs a query`);
    return this.savedQueries.checkedQuery(query, 'query');
  }

  /** The database checks that savedQueryId is a saved query of this tenant (a composite foreign key). */
  private async flushRefusingForeignSavedQuery(): Promise<void> {
    try {
      await this.em.flush();
    } catch (error) {
      if (error instanceof ForeignKeyConstraintViolationException) throw invalid('savedQueryId', 'not a saved query of this tenant');
      throw error;
    }
  }
}

function checkPosition(position: WidgetPositionDto, dashboard: EditableDashboard, field: string): WidgetPositionDto {
  if (position.x + position.w > dashboard.columns) {
    throw invalid(`${field}.w`, `x + w is ${position.x + position.w}, past the dashboard's ${dashboard.columns} columns`);
  }
  return position;
}

function positionColumns(position: { x: number; y: number; w: number; h: number }) {
  return { x: position.x, y: position.y, w: position.w, h: position.h };
}

function checkedConfig(config: Record<string, unknown>): Record<string, unknown> {
  if (hasInexactNumber(config)) throw invalid('config', 'numbers must be finite and within ±2^53');
  assertJsonWithin('config', config, MAX_WIDGET_CONFIG_BYTES);
  return config;
}

function invalid(field: string, message: string): ProblemException {
  return new ProblemException(400, `${field}: ${message}.`, { errors: [{ field, messages: [message] }] });
}

function widgetNotFound(): ProblemException {
  return new ProblemException(404, 'The widget does not exist.');
}

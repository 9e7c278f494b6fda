import { ForeignKeyConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { ValidationFailedException } from '../../platform/errors/problem.exception.js';
import type { FieldError } from '../../platform/errors/problem.js';
import type { QueryDefinitionDto } from '../queries/dto/query-definition.dto.js';
import { SavedQueriesService } from '../queries/saved-queries.service.js';
import type { CreateWidgetDto } from './dto/create-widget.dto.js';
import type { LayoutMoveDto } from './dto/layout-move.dto.js';
import type { UpdateWidgetDto } from './dto/update-widget.dto.js';
import type { Widget } from './widget.entity.js';
import { type DashboardRef, type NewWidget, WidgetRepository } from './widget.repository.js';
import { type ShownWidget, shownWidget, type WidgetJson, type WidgetView, widgetView } from './widget.view.js';
import { WidgetProblems } from './widget-problems.js';
import {
  assertContentWithinCap,
  checkedConfig,
  fittedBox,
  invalidWidget,
  MAX_WIDGETS_PER_DASHBOARD,
  widgetNotFound,
} from './widget-rules.js';
import { TEXT_WIDGET, type WidgetType } from './widget-type.js';

export type { DashboardRef } from './widget.repository.js';
export type { ShownWidget, WidgetJson, WidgetView } from './widget.view.js';

/** The dashboard a widget change happens on: its id and its grid's width. */
export interface WidgetGrid {
  readonly dashboardId: string;
  readonly columns: number;
}

/** A widget's input after the checks that need no dashboard (its query and config). */
export type CheckedWidget = Omit<NewWidget, 'dashboardId' | 'x' | 'y' | 'w' | 'h'> & Pick<CreateWidgetDto, 'position'>;

/** The members of a widget that may be large: a dashboard's history stores each distinct combination of them once. */
export const LARGE_WIDGET_MEMBERS = ['query', 'config'] as const satisfies readonly (keyof WidgetJson)[];

/**
 * The widgets module's API: the widgets of a dashboard — read as JSON for the dashboard's own
 * statements, added, changed, moved, removed, replaced from a snapshot. It knows nothing of dashboard
 * versions, locks or access: the caller (the dashboards module) makes each call part of a change of
 * the dashboard it has locked, so widgets never call back.
 */
@Injectable()
export class DashboardWidgets {
  constructor(
    private readonly widgets: WidgetRepository,
    private readonly savedQueries: SavedQueriesService,
  ) {}

  /** The dashboard's widgets as a jsonb array of widget JSON, ordered by position: an expression for the caller's statement. */
  contentsOf(dashboard: DashboardRef) {
    return this.widgets.contentsOf(dashboard);
  }

  /** How many widgets the dashboard has: an expression for the caller's statement (index-only). */
  countOf(dashboard: DashboardRef) {
    return this.widgets.countOf(dashboard);
  }

  /** Widget JSON (from contentsOf() or a kept version) as every read shows it, with what is derived (`draft`). */
  shown(widgets: readonly WidgetJson[]): ShownWidget[] {
    return widgets.map(shownWidget);
  }

  /** The checks that need no dashboard, made before the caller locks it. */
  async checked(input: CreateWidgetDto): Promise<CheckedWidget> {
    return {
      type: input.type,
      title: input.title,
      query: await this.checkedQuery(input.type, input.query),
      savedQueryId: input.savedQueryId ?? null,
      position: input.position,
      config: checkedConfig(input.config ?? {}),
    };
  }

  async add(grid: WidgetGrid, input: CheckedWidget): Promise<WidgetView> {
    const { position, ...fields } = input;
    const box = fittedBox(position, grid.columns, 'position');
    if ((await this.widgets.countOn(grid.dashboardId)) >= MAX_WIDGETS_PER_DASHBOARD) {
      throw WidgetProblems.limitReached(MAX_WIDGETS_PER_DASHBOARD);
    }
    const widget = await refusingForeignSavedQuery(() => this.widgets.add({ ...fields, ...box, dashboardId: grid.dashboardId }));
    await this.assertContentWithinCap(grid.dashboardId);
    return widgetView(widget);
  }

  /** The tenant's widget, else 404 (whether its dashboard may be seen is the caller's to decide). */
  async find(id: string): Promise<WidgetView> {
    return widgetView(await this.found(id));
  }

  /** Applies the changes to the widget, read afresh (the caller holds its dashboard's lock). */
  async change(grid: WidgetGrid, id: string, changes: UpdateWidgetDto): Promise<WidgetView> {
    const widget = await this.found(id, true);
    const type = changes.type ?? widget.type;
    if (changes.query !== undefined) {
      widget.query = await this.checkedQuery(type, changes.query);
    } else if (type === TEXT_WIDGET) {
      // Turned into text: it has no query any more.
      widget.query = null;
    }
    if (changes.position !== undefined) Object.assign(widget, fittedBox(changes.position, grid.columns, 'position'));
    if (changes.config !== undefined) widget.config = checkedConfig(changes.config);
    if (changes.title !== undefined) widget.title = changes.title;
    if (changes.savedQueryId !== undefined) widget.savedQueryId = changes.savedQueryId;
    widget.type = type;
    widget.updatedAt = new Date();
    await refusingForeignSavedQuery(() => this.widgets.flush());
    await this.assertContentWithinCap(grid.dashboardId);
    return widgetView(widget);
  }

  async remove(id: string): Promise<void> {
    if (!(await this.widgets.remove(id))) throw widgetNotFound();
  }

  /**
   * Moves many widgets of the dashboard, all or nothing: a widget that is not on it (another's,
   * another tenant's, unknown) is a 404 and a box past the grid a 400. One statement for the batch;
   * a refusal after it throws, and the caller's unit of work rolls it back.
   */
  async move(grid: WidgetGrid, moves: readonly LayoutMoveDto[]): Promise<void> {
    const boxes = moves.map((move, index) => ({ widgetId: move.widgetId, ...fittedBox(move.position, grid.columns, `${index}.position`) }));
    const found = new Set(await this.widgets.move(grid.dashboardId, boxes, new Date()));
    const missing = moves.map((move) => move.widgetId).filter((id) => !found.has(id.toLowerCase()));
    if (missing.length > 0) {
      throw WidgetProblems.notOnDashboard(missing);
    }
  }

  /**
   * The snapshot's widgets (widget JSON, as contentsOf() gave them) replace the dashboard's, with
   * their ids; references to deleted saved queries are dropped. Their queries must still pass today's
   * checks (the tenant's schema configuration may have changed): else a 400 naming the widgets.
   */
  async replaceWith(dashboardId: string, snapshot: readonly WidgetJson[]): Promise<void> {
    await this.assertQueriesStillValid(snapshot);
    const savedQueries = await this.savedQueries.existing(snapshot.flatMap((widget) => (widget.savedQueryId ? [widget.savedQueryId] : [])));
    const now = new Date();
    await this.widgets.replaceAll(
      dashboardId,
      snapshot.map((widget) => ({
        id: widget.id,
        dashboardId,
        type: widget.type,
        title: widget.title,
        query: widget.query,
        savedQueryId: widget.savedQueryId && savedQueries.has(widget.savedQueryId) ? widget.savedQueryId : null,
        ...widget.position,
        config: widget.config,
        createdAt: new Date(widget.createdAt),
        updatedAt: now,
      })),
    );
  }

  /** The rightmost grid column the dashboard's widgets reach (0 when empty): its grid may not shrink below it. */
  widestExtent(dashboardId: string): Promise<number> {
    return this.widgets.widestExtent(dashboardId);
  }

  private async found(id: string, fresh = false): Promise<Widget> {
    const widget = await this.widgets.byId(id, fresh);
    if (!widget) throw widgetNotFound();
    return widget;
  }

  private async assertContentWithinCap(dashboardId: string): Promise<void> {
    assertContentWithinCap(await this.widgets.contentBytes(dashboardId));
  }

  private async assertQueriesStillValid(widgets: readonly WidgetJson[]): Promise<void> {
    const errors: FieldError[] = [];
    const refused: WidgetJson[] = [];
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
      throw WidgetProblems.queriesNotRestorable(
        named,
        errors,
        refused.map((widget) => widget.id),
      );
    }
  }

  /**
   * A text widget has no query; any other type's query is checked like a saved query's, and without
   * one the widget is a draft (saved while being built; see isDraft).
   */
  private async checkedQuery(type: WidgetType, query: CreateWidgetDto['query']): Promise<Record<string, unknown> | null> {
    if (type === TEXT_WIDGET) {
      if (query != null) throw invalidWidget('query', 'a text widget has no query: send null or leave it out');
      return null;
    }
    if (query == null) return null;
    return this.savedQueries.checkedQuery(query, 'query');
  }
}

/** The database checks that savedQueryId is a saved query of this tenant (a composite foreign key). */
async function refusingForeignSavedQuery<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof ForeignKeyConstraintViolationException) throw WidgetProblems.unknownSavedQuery();
    throw error;
  }
}

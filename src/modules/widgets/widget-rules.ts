import type { ProblemException } from '../../platform/errors/problem.exception.js';
import { assertJsonWithin, hasInexactNumber, KIB } from '../../platform/http/json-size.js';
import type { GridBox } from './widget.repository.js';
import { WidgetProblems } from './widget-problems.js';

export const MAX_WIDGETS_PER_DASHBOARD = 100;
export const MAX_WIDGET_CONFIG_BYTES = 64 * KIB;
/** All of a dashboard's widget configs and queries, as JSON: what one change re-reads and hashes for its history. */
export const MAX_DASHBOARD_CONTENT_BYTES = 1024 * KIB;

/** A widget's box must fit the dashboard's grid: x + w ≤ its columns (the DTO bounds the rest). */
export function fittedBox(box: GridBox, columns: number, field: string): GridBox {
  if (box.x + box.w > columns) {
    throw invalidWidget(`${field}.w`, `x + w is ${box.x + box.w}, past the dashboard's ${columns} columns`);
  }
  return { x: box.x, y: box.y, w: box.w, h: box.h };
}

export function checkedConfig(config: Record<string, unknown>): Record<string, unknown> {
  if (hasInexactNumber(config)) throw invalidWidget('config', 'numbers must be finite and within ±2^53');
  assertJsonWithin('config', config, MAX_WIDGET_CONFIG_BYTES);
  return config;
}

export function assertContentWithinCap(bytes: number): void {
  if (bytes > MAX_DASHBOARD_CONTENT_BYTES) {
    throw WidgetProblems.contentTooLarge(bytes, MAX_DASHBOARD_CONTENT_BYTES, KIB);
  }
}

export function invalidWidget(field: string, message: string): ProblemException {
  return WidgetProblems.invalid(field, message);
}

export function widgetNotFound(): ProblemException {
  return WidgetProblems.notFound();
}

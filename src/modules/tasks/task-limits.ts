import { ValidationFailedException } from '../../platform/errors/problem.exception.js';
import { assertJsonWithin, hasInexactNumber, KIB } from '../../platform/http/json-size.js';

/** What a task keeps as JSON, each field measured as JSON (over → 413). */
export const MAX_TASK_SETTINGS_BYTES = 64 * KIB; // config, metadata; an artifact's metadata
export const MAX_OUTCOME_BYTES = 256 * KIB; // a task's result and error; an execution's input, output and error

/** Runs per task (more → 409): a task read counts them, and the history is paged, but a task is not a log. */
export const MAX_EXECUTIONS_PER_TASK = 1_000;
/** The latest executions a task read embeds (without their large fields); the rest are paged. */
export const EMBEDDED_EXECUTIONS = 5;

/**
 * A JSON value a client sent, before it is kept: a number that JSON parsing already changed (1e400 →
 * Infinity, which would be stored as null) is a 400, a value over its cap a 413.
 */
export function assertStorableJson(field: string, value: unknown, maxBytes: number): void {
  if (hasInexactNumber(value)) {
    throw new ValidationFailedException([{ field, messages: ['numbers must be finite and within ±2^53'] }]);
  }
  assertJsonWithin(field, value, maxBytes);
}

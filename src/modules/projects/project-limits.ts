import { ValidationFailedException } from '../../platform/errors/problem.exception.js';
import { assertJsonWithin, hasInexactNumber, KIB } from '../../platform/http/json-size.js';

/** A project's settings configure it (e.g. its tasks' default agent config); they are not a payload (over → 413). */
export const MAX_PROJECT_SETTINGS_BYTES = 64 * KIB;
export const MAX_PROJECT_NAME_LENGTH = 255;
export const MAX_PROJECT_DESCRIPTION_LENGTH = 10_000;
/** The recent tasks of a project: how many by default, and at most. */
export const DEFAULT_RECENT_TASKS = 20;
export const MAX_RECENT_TASKS = 100;

/** Settings a client sent, before they are kept: an inexact number is a 400, over the cap a 413. */
export function assertStorableSettings(settings: unknown): void {
  if (hasInexactNumber(settings)) {
    throw new ValidationFailedException([{ field: 'settings', messages: ['numbers must be finite and within ±2^53'] }]);
  }
  assertJsonWithin('settings', settings, MAX_PROJECT_SETTINGS_BYTES);
}

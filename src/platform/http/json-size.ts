import { PlatformProblems } from '../errors/platform-problems.js';
import { ProblemException } from '../errors/problem.exception.js';
import { someJsonValue } from './json-depth.js';

export const KIB = 1_024;

/**
 * Caps the stored size of a JSON value (its UTF-8 serialisation); over the cap is a 413 naming the
 * field and both sizes. The request body limit bounds the whole request; this bounds what is kept.
 */
export function assertJsonWithin(field: string, value: unknown, maxBytes: number): void {
  if (value === undefined) return;
  const bytes = Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
  if (bytes > maxBytes) {
    throw new ProblemException(
      PlatformProblems.types['json-value-too-large'],
      `${field} is ${bytes} bytes of JSON; at most ${maxBytes} bytes (${maxBytes / KIB} KiB) are accepted.`,
      {
        errors: [{ field, messages: [`at most ${maxBytes} bytes of JSON`] }],
      },
    );
  }
}

/** Whether JSON parsing already changed a number (1e400 → Infinity, 2^53 + 1 → 2^53): such input is refused. */
export function hasInexactNumber(value: unknown): boolean {
  return someJsonValue(
    value,
    (node) => typeof node === 'number' && (!Number.isFinite(node) || (Number.isInteger(node) && !Number.isSafeInteger(node))),
  );
}

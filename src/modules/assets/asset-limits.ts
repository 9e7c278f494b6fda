import { ValidationFailedException } from '../../platform/errors/problem.exception.js';
import { assertJsonWithin, hasInexactNumber, KIB } from '../../platform/http/json-size.js';

/** An asset's metadata describes it; it is not a payload (over → 413). */
export const MAX_METADATA_BYTES = 64 * KIB;

/** Metadata a client sent, before it is kept: an inexact number is a 400, over the cap a 413. */
export function assertStorableMetadata(metadata: unknown): void {
  if (hasInexactNumber(metadata)) {
    throw new ValidationFailedException([{ field: 'metadata', messages: ['numbers must be finite and within ±2^53'] }]);
  }
  assertJsonWithin('metadata', metadata, MAX_METADATA_BYTES);
}

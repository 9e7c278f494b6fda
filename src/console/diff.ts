/** The before/after rows of an audit entry's `details.changes`, as the console's detail panel shows them. */

/** A value the database stored as a summary because it was too large (over 1 KiB of JSON). */
export interface Summarized {
  summarized: true;
  bytes: number;
  sha256: string;
}

export interface DiffRow {
  field: string;
  before: string;
  after: string;
  kind: 'added' | 'removed' | 'changed';
}

function isSummarized(value: unknown): value is Summarized {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Summarized).summarized === true &&
    typeof (value as Summarized).sha256 === 'string'
  );
}

/** Formats a byte count for people: 512 B, 3.4 KiB, 1.2 MiB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** One side of a change as text: JSON, `—` for absent, or "size, sha256 prefix" for a summarized value. */
export function renderValue(value: unknown): string {
  if (value === undefined || value === null) return '—';
  if (isSummarized(value)) return `${formatBytes(value.bytes)}, sha256 ${value.sha256.slice(0, 12)}… (too large to store)`;
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value, null, 2);
}

/** The rows of `details.changes` (`{ field: { before, after } }`), by field name. */
export function diffRows(changes: unknown): DiffRow[] {
  if (typeof changes !== 'object' || changes === null) return [];
  return Object.entries(changes as Record<string, { before?: unknown; after?: unknown }>)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([field, change]) => {
      const before = change?.before ?? null;
      const after = change?.after ?? null;
      const kind = before === null ? 'added' : after === null ? 'removed' : 'changed';
      return { field, before: renderValue(before), after: renderValue(after), kind };
    });
}

import type { AuditEntryView } from './audit-entry.view.js';
import type { ExportFormat } from './dto/list-audit-logs.query.js';

const CSV_COLUMNS = [
  'id',
  'createdAt',
  'actorId',
  'actorRoles',
  'action',
  'resourceType',
  'resourceId',
  'details',
  'ipAddress',
  'userAgent',
  'requestId',
  'chain',
  'chainSeq',
  'prevHash',
  'hash',
] as const satisfies readonly (keyof AuditEntryView)[];

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/** What an export starts with: the CSV header line (RFC 4180), nothing for NDJSON. */
export function exportHeader(format: ExportFormat): string {
  return format === 'csv' ? `${CSV_COLUMNS.join(',')}\r\n` : '';
}

/** One entry as a line of the export. */
export function exportLine(format: ExportFormat, entry: AuditEntryView): string {
  if (format === 'ndjson') {
    return `${JSON.stringify(entry)}\n`;
  }
  return `${CSV_COLUMNS.map((column) => csvField(entry[column])).join(',')}\r\n`;
}

/**
 * RFC 4180 quoting, plus a leading apostrophe on text a spreadsheet would run as a formula (CWE-1236):
 * actor ids and user agents come from outside.
 */
function csvField(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  let text = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

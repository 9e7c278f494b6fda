import { STATUS_CODES } from 'node:http';

/** One invalid input field, as listed in a 400 problem's `errors`. */
export interface FieldError {
  field: string;
  messages: string[];
}

/** An RFC 9457 problem details body. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Builds a problem whose `type` is a stable, documented URI per status (about:blank-style titles). */
export function problem(status: number, detail: string, extensions: Record<string, unknown> = {}): Problem {
  const title = STATUS_CODES[status] ?? 'Error';
  return {
    type: `https://tessera.dev/problems/${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
    title,
    status,
    detail,
    ...extensions,
  };
}

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

/** A problem with RFC 9457's `about:blank` type: the title is the status phrase, the detail says what happened. */
export function problem(status: number, detail: string, extensions: Record<string, unknown> = {}): Problem {
  // Extensions come first: they can never overwrite a standard member.
  return { ...extensions, type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail };
}

import type { ProblemType } from './problem-type.js';

/** One invalid input field, as listed in a 400 problem's `errors`. */
export interface FieldError {
  field: string;
  messages: string[];
}

/** An RFC 9457 problem details body; `type` and `code` name a catalogued {@link ProblemType}. */
export interface Problem {
  type: string;
  code: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** A problem of a catalogued type: the title is the type's, the detail says what happened this time. */
export function problem(type: ProblemType, detail: string, extensions: Record<string, unknown> = {}, status = type.status): Problem {
  // Extensions come first: they can never overwrite a standard member.
  return { ...extensions, type: type.uri, code: type.code, title: type.title, status, detail };
}

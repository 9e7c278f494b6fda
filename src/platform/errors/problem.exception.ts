import { HttpException } from '@nestjs/common';
import { PlatformProblems } from './platform-problems.js';
import { FieldError, problem } from './problem.js';
import type { ProblemType } from './problem-type.js';

/**
 * A refusal of a catalogued problem type, with the RFC 9457 extension members the type documents
 * (for example the allowed next states of a refused transition) and the headers that belong to it.
 * Services raise these through their module's `*-problems.ts`; ProblemDetailsFilter answers them.
 */
export class ProblemException extends HttpException {
  readonly problemType: ProblemType;

  constructor(
    type: ProblemType,
    detail: string,
    extensions: Record<string, unknown> = {},
    /** Response headers that belong to the refusal (Retry-After, ETag…). */
    readonly headers: Record<string, string> = {},
  ) {
    const body = problem(type, detail, extensions, type.status);
    super(body, type.status);
    this.problemType = type;
  }
}

export class ValidationFailedException extends ProblemException {
  constructor(errors: FieldError[], detail = 'The request is invalid; see `errors` for each field.') {
    super(PlatformProblems.types['validation-failed'], detail, { errors });
  }
}

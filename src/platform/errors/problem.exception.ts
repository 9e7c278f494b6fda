import { HttpException } from '@nestjs/common';
import { PlatformProblems, problemTypeForStatus } from './platform-problems.js';
import { FieldError, problem } from './problem.js';
import type { ProblemType } from './problem-type.js';

/**
 * A refusal of a catalogued problem type, with the RFC 9457 extension members the type documents
 * (for example the allowed next states of a refused transition) and the headers that belong to it.
 * Services raise these through their module's `*-problems.ts`; ProblemDetailsFilter answers them.
 */
export class ProblemException extends HttpException {
  readonly problemType: ProblemType;

  constructor(type: ProblemType, detail: string, extensions?: Record<string, unknown>, headers?: Record<string, string>);
  /**
   * @deprecated Raise a catalogued type instead. A bare status gets the platform's generic type for it
   * (`conflict`, `not-found`…); an ad-hoc `code` extension is kept until its module has a catalogue.
   */
  constructor(status: number, detail: string, extensions?: Record<string, unknown>, headers?: Record<string, string>);
  constructor(
    typeOrStatus: ProblemType | number,
    detail: string,
    extensions: Record<string, unknown> = {},
    /** Response headers that belong to the refusal (Retry-After, ETag…). */
    readonly headers: Record<string, string> = {},
  ) {
    const type = typeof typeOrStatus === 'number' ? problemTypeForStatus(typeOrStatus) : typeOrStatus;
    const status = typeof typeOrStatus === 'number' ? typeOrStatus : type.status;
    const body = problem(type, detail, extensions, status);
    if (typeof typeOrStatus === 'number' && typeof extensions.code === 'string') body.code = extensions.code;
    super(body, status);
    this.problemType = type;
  }
}

export class ValidationFailedException extends ProblemException {
  constructor(errors: FieldError[], detail = 'The request is invalid; see `errors` for each field.') {
    super(PlatformProblems.types['validation-failed'], detail, { errors });
  }
}

import { HttpException } from '@nestjs/common';
import { FieldError, problem } from './problem.js';

/**
 * An HTTP error that carries RFC 9457 extension members (for example the allowed next states of a
 * refused transition). Plain Nest exceptions work too; use this one when the client needs more.
 */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    detail: string,
    extensions: Record<string, unknown> = {},
    /** Response headers that belong to the refusal (Retry-After, ETag…). */
    readonly headers: Record<string, string> = {},
  ) {
    super(problem(status, detail, extensions), status);
  }
}

export class ValidationFailedException extends ProblemException {
  constructor(errors: FieldError[]) {
    super(400, 'The request is invalid; see `errors` for each field.', { errors });
  }
}

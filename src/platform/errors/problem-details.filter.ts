import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import {
  ConnectionException,
  ConstraintViolationException,
  DeadlockException,
  ForeignKeyConstraintViolationException,
  LockWaitTimeoutException,
  NotFoundError,
  RowLevelSecurityViolationException,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Problem, PROBLEM_CONTENT_TYPE, problem } from './problem.js';

/**
 * SQLSTATE classes that mean "the database cannot serve right now", not "the request is wrong":
 * connection exceptions, insufficient resources, operator intervention (incl. statement timeouts).
 */
const UNAVAILABLE_SQLSTATE_CLASSES = new Set(['08', '53', '57']);
const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * The one place where any error becomes an `application/problem+json` response. Nothing internal
 * (stack, SQL, constraint names) reaches the client; unexpected errors are logged with the request id.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body: Problem = { ...this.toProblem(error, request), instance: request.url, requestId: String(request.id) };

    if (body.status === 401) {
      reply.header('WWW-Authenticate', 'Bearer error="invalid_token"');
    }
    if (body.status === 503) {
      reply.header('Retry-After', '1');
    }
    void reply.status(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
  }

  private toProblem(error: unknown, request: FastifyRequest): Problem {
    if (error instanceof HttpException) {
      return fromHttpException(error);
    }
    if (error instanceof NotFoundError) {
      return problem(404, 'The resource does not exist.');
    }
    if (error instanceof UniqueConstraintViolationException) {
      return problem(409, 'A resource with the same unique value already exists.');
    }
    if (error instanceof ForeignKeyConstraintViolationException) {
      return problem(409, 'The request refers to a resource that does not exist or is still referenced.');
    }
    if (error instanceof RowLevelSecurityViolationException) {
      return problem(404, 'The resource does not exist.');
    }
    if (error instanceof ConstraintViolationException) {
      return problem(400, 'The request violates a constraint of the resource.');
    }
    if (error instanceof DeadlockException || error instanceof LockWaitTimeoutException) {
      return problem(503, 'The resource is busy; retry the request.');
    }
    if (isDatabaseUnavailable(error)) {
      return problem(503, 'The database is unavailable; retry the request later.');
    }
    const fastifyStatus = clientErrorStatusOf(error);
    if (fastifyStatus) {
      return problem(fastifyStatus, fastifyDetail(fastifyStatus));
    }
    this.logger.error({ err: error, requestId: request.id }, 'Unhandled error');
    return problem(500, 'An unexpected error occurred; it has been logged with this request id.');
  }
}

function fromHttpException(exception: HttpException): Problem {
  const status = exception.getStatus();
  const response = exception.getResponse();
  if (typeof response === 'object' && 'type' in response && 'title' in response) {
    return response as Problem;
  }
  const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
  const detail = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : exception.message;
  return problem(status, status === 401 ? 'The bearer token is missing or invalid.' : detail);
}

function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof ConnectionException) {
    return true;
  }
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  // A FATAL error from PostgreSQL ends the session: it is raised while connecting (e.g. the database
  // does not accept connections, too many clients) or when the server shuts the backend down.
  if (severity === 'FATAL' || severity === 'PANIC') {
    return true;
  }
  if (typeof code === 'string' && (NETWORK_ERROR_CODES.has(code) || (/^[0-9A-Z]{5}$/.test(code) && UNAVAILABLE_SQLSTATE_CLASSES.has(code.slice(0, 2))))) {
    return true;
  }
  return error instanceof Error && /timeout exceeded when trying to connect|Connection terminated/i.test(error.message);
}

/** Fastify's own errors (body parsing, size) carry a 4xx statusCode. */
function clientErrorStatusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

function fastifyDetail(status: number): string {
  switch (status) {
    case 413:
      return 'The request body is larger than the server accepts.';
    case 415:
      return 'The request body must be application/json.';
    default:
      return 'The request could not be parsed.';
  }
}

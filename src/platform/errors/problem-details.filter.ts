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
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject, Logger, Optional } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ACCESS_DENIED_RECORDER, type AccessDeniedRecorder } from '../auth/access-denied.js';
import { AccessDeniedLimit } from '../auth/access-denied-limit.js';
import type { Principal } from '../auth/principal.js';
import { requestOriginOf } from '../tenancy/tenant-context.js';
import { PlatformProblems, problemTypeForStatus } from './platform-problems.js';
import { ProblemException } from './problem.exception.js';
import { PROBLEM_CONTENT_TYPE, Problem, problem } from './problem.js';
import type { ProblemType } from './problem-type.js';

/**
 * SQLSTATEs that mean "the database cannot serve right now", not "the request is wrong": lost or
 * refused connections, insufficient resources (class 53), operator intervention incl. statement
 * timeouts (class 57).
 */
const UNAVAILABLE_SQLSTATES = new Set(['08000', '08001', '08003', '08004', '08006']);
const UNAVAILABLE_SQLSTATE_CLASSES = new Set(['53', '57']);
/** Data exceptions (class 22) and a protocol violation caused by a value (08P01): the input's fault. */
const INVALID_VALUE_SQLSTATE_CLASSES = new Set(['22']);
const INVALID_VALUE_SQLSTATES = new Set(['08P01']);
const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * The one place where any error becomes an `application/problem+json` response. Nothing internal
 * (stack, SQL, constraint names) reaches the client; unexpected errors are logged with the request id.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(
    private readonly deniedLimit: AccessDeniedLimit,
    @Optional() @Inject(ACCESS_DENIED_RECORDER) private readonly accessDenied?: AccessDeniedRecorder,
  ) {}

  async catch(error: unknown, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest & { user?: Principal }>();
    const reply = http.getResponse<FastifyReply>();
    try {
      const body: Problem = { ...this.toProblem(error, request), instance: request.url, requestId: String(request.id) };
      if (body.status === 403 && request.user) {
        await this.recordDenied(request.user, request, body.detail);
      }
      this.send(reply, error, body);
    } catch (failure) {
      // Nest does not await filters: a rejection here would go unhandled and leave the request hanging.
      this.logger.error({ err: failure, requestId: request.id }, 'Could not answer with a problem response');
      if (!reply.sent) {
        void reply.status(500).type(PROBLEM_CONTENT_TYPE).send(problem(types['internal-error'], INTERNAL_ERROR_DETAIL));
      }
    }
  }

  private send(reply: FastifyReply, error: unknown, body: Problem): void {
    if (error instanceof ProblemException) {
      void reply.headers(error.headers);
    }
    if (body.status === 401) {
      reply.header('WWW-Authenticate', 'Bearer error="invalid_token"');
    }
    if (body.status === 503) {
      reply.header('Retry-After', '1');
    }
    void reply.status(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
  }

  /** Recorded before answering, so the event exists once the client has its 403; a failure only logs. */
  private async recordDenied(principal: Principal, request: FastifyRequest, reason: string): Promise<void> {
    try {
      if (!(await this.deniedLimit.admits(principal))) return;
      await this.accessDenied?.record(principal, {
        method: request.method,
        path: request.url.split('?')[0],
        reason,
        origin: requestOriginOf(request),
      });
    } catch (recordError) {
      this.logger.error({ err: recordError, requestId: request.id }, 'Could not record a denied access');
    }
  }

  private toProblem(error: unknown, request: FastifyRequest): Problem {
    if (error instanceof HttpException) {
      // Nest hands Fastify's body errors on as HttpExceptions carrying Fastify's error as their cause.
      const bodyStatus = clientErrorStatusOf(error.cause);
      if (bodyStatus === 413 || bodyStatus === 415) return fastifyProblem(bodyStatus, request);
      const answer = fromHttpException(error);
      // A body Fastify could not parse (invalid JSON): the same detail, a more precise type.
      return bodyStatus === 400 && answer.code === types['bad-request'].code ? retyped(answer, types['malformed-request']) : answer;
    }
    if (error instanceof NotFoundError) {
      return problem(types['not-found'], 'The resource does not exist.');
    }
    if (error instanceof UniqueConstraintViolationException) {
      return problem(types['already-exists'], 'A resource with the same unique value already exists.');
    }
    if (error instanceof ForeignKeyConstraintViolationException) {
      return problem(types['reference-conflict'], 'The request refers to a resource that does not exist or is still referenced.');
    }
    if (error instanceof RowLevelSecurityViolationException) {
      // Tenants are stamped by the platform, so this is a defect, never the client's doing.
      this.logger.error({ err: error, requestId: request.id }, 'Row-level security refused a write');
      return problem(types['internal-error'], INTERNAL_ERROR_DETAIL);
    }
    if (error instanceof ConstraintViolationException) {
      return problem(types['constraint-violated'], 'The request violates a constraint of the resource.');
    }
    if (error instanceof DeadlockException || error instanceof LockWaitTimeoutException || BUSY_SQLSTATES.has(String(sqlStateOf(error)))) {
      return problem(types.busy, 'The resource is busy; retry the request.');
    }
    if (sqlStateOf(error) === STATEMENT_TIMEOUT) {
      return problem(
        types['statement-timeout'],
        'The request took longer than the database allows and was cancelled; narrow it or retry later.',
      );
    }
    if (isDatabaseUnavailable(error)) {
      this.logger.warn({ err: error, requestId: request.id }, 'Database unavailable');
      return problem(types['database-unavailable'], 'The database is unavailable; retry the request later.');
    }
    if (isInvalidValue(error)) {
      return problem(types['invalid-value'], 'The request contains a value that cannot be stored.');
    }
    const fastifyStatus = clientErrorStatusOf(error);
    if (fastifyStatus) {
      return fastifyProblem(fastifyStatus, request);
    }
    this.logger.error({ err: error, requestId: request.id }, 'Unhandled error');
    return problem(types['internal-error'], INTERNAL_ERROR_DETAIL);
  }
}

const { types } = PlatformProblems;

const INTERNAL_ERROR_DETAIL = 'An unexpected error occurred; it has been logged with this request id.';

/** Details that are the same whatever the exception said: nothing internal leaks through them. */
const FIXED_DETAILS: Record<number, string> = {
  401: 'The bearer token is missing or invalid.',
  429: 'Too many requests; retry after the time in Retry-After.',
};

function retyped(answer: Problem, type: ProblemType): Problem {
  return { ...answer, type: type.uri, code: type.code, title: type.title };
}

function fromHttpException(exception: HttpException): Problem {
  const status = exception.getStatus();
  const response = exception.getResponse();
  if (typeof response === 'object' && 'type' in response && 'title' in response) {
    return response as Problem;
  }
  // Nest's own exceptions (a route that does not exist, a guard's refusal) get the platform's type for their status.
  const type = problemTypeForStatus(status);
  if (FIXED_DETAILS[status] || status >= 500) {
    return problem(type, FIXED_DETAILS[status] ?? INTERNAL_ERROR_DETAIL, {}, status);
  }
  const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
  const detail = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : exception.message;
  return problem(type, detail, {}, status);
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
  if (
    typeof code === 'string' &&
    (NETWORK_ERROR_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || isSqlStateOfClass(code, UNAVAILABLE_SQLSTATE_CLASSES))
  ) {
    return true;
  }
  return error instanceof Error && LOST_CONNECTION_MESSAGES.test(error.message);
}

/**
 * What node-postgres says, without a code, when it waited too long for a connection or an answer, or
 * when the connection it held is gone (the server restarted, a backend was terminated, the socket
 * died); and what Kysely says of a pool already closed (a request still queued as the server stops).
 */
const LOST_CONNECTION_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|not queryable|Query read timeout|driver has already been destroyed/i;

/** A lock not granted within lock_timeout, a deadlock, a serialization failure: retrying can succeed. */
const BUSY_SQLSTATES = new Set(['55P03', '40P01', '40001']);

/** query_canceled: the statement timeout (or a cancel request) ended the statement, the server is fine. */
const STATEMENT_TIMEOUT = '57014';

function sqlStateOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

function isInvalidValue(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: unknown };
  return typeof code === 'string' && (INVALID_VALUE_SQLSTATES.has(code) || isSqlStateOfClass(code, INVALID_VALUE_SQLSTATE_CLASSES));
}

function isSqlStateOfClass(code: string, classes: Set<string>): boolean {
  return /^[0-9A-Z]{5}$/.test(code) && classes.has(code.slice(0, 2));
}

/** Fastify's own errors (body parsing, size) carry a 4xx statusCode. */
function clientErrorStatusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

function fastifyProblem(status: number, request: FastifyRequest): Problem {
  switch (status) {
    case 413: {
      // The route's limit, which is BODY_LIMIT_BYTES unless a route sets its own.
      const maxBytes = request.routeOptions?.bodyLimit;
      return maxBytes === undefined
        ? problem(types['payload-too-large'], 'The request body is larger than the server accepts.')
        : problem(types['payload-too-large'], `The request body is larger than the ${maxBytes} bytes this server accepts.`, { maxBytes });
    }
    case 415:
      // Media types are refused before parsing (platform/http/http-manners.ts); this is Fastify's own check.
      return problem(types['unsupported-media-type'], 'The request body must be application/json.', {
        acceptedMediaTypes: ['application/json'],
      });
    default:
      return problem(
        status === 400 ? types['malformed-request'] : problemTypeForStatus(status),
        'The request could not be parsed.',
        {},
        status,
      );
  }
}

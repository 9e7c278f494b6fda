import { applyDecorators } from '@nestjs/common';
import type { OpenAPIObject, OperationObject, ReferenceObject, SchemaObject } from '@nestjs/swagger';
import { ApiResponse } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '../errors/problem.js';

/**
 * The OpenAPI document's response side: named response schemas (declared beside each module's
 * views in `dto/*.response.ts`), the shared `Problem` schema, readable operation ids, and the
 * problems every operation can answer with. A generated client gets a type for every response.
 */

export type Schema = SchemaObject | ReferenceObject;

const components = new Map<string, SchemaObject>();

/** Declares a named schema (a component of the document) and returns a reference to it. */
export function namedSchema(name: string, schema: SchemaObject): ReferenceObject {
  const existing = components.get(name);
  if (existing && existing !== schema) throw new Error(`Two response schemas are named ${name}`);
  components.set(name, schema);
  return { $ref: `#/components/schemas/${name}` };
}

/** An object whose listed properties are all present; `optional` names those that may be absent. */
export function objectOf(
  properties: Record<string, Schema>,
  options: { optional?: string[]; description?: string; example?: unknown } = {},
): SchemaObject {
  const optional = new Set(options.optional ?? []);
  return {
    type: 'object',
    ...(options.description && { description: options.description }),
    required: Object.keys(properties).filter((key) => !optional.has(key)),
    properties,
    ...(options.example !== undefined && { example: options.example }),
  };
}

/** `schema` or null (OpenAPI 3.0's `nullable`; a reference is wrapped, since siblings of `$ref` are ignored). */
export function nullable(schema: Schema): SchemaObject {
  return '$ref' in schema ? { allOf: [schema], nullable: true } : { ...schema, nullable: true };
}

export const Uuid: SchemaObject = { type: 'string', format: 'uuid', example: '0b7f6c52-5d0e-4a39-9d0c-6a1f2d5e8c11' };
/** An instant as the API writes it: ISO 8601, UTC, milliseconds. */
export const Instant: SchemaObject = { type: 'string', format: 'date-time', example: '2026-01-15T09:30:00.000Z' };
/** Any JSON value a client stored (an object, array, string, number, boolean or null). */
export const AnyJson: SchemaObject = { description: 'Any JSON value.', nullable: true };
export const JsonObject: SchemaObject = { type: 'object', additionalProperties: true };
export const Integer: SchemaObject = { type: 'integer' };

export function arrayOf(items: Schema, description?: string): SchemaObject {
  return { type: 'array', items, ...(description && { description }) };
}

export function enumOf(values: readonly string[] | Record<string, string>, description?: string): SchemaObject {
  return { type: 'string', enum: Array.isArray(values) ? [...values] : Object.values(values), ...(description && { description }) };
}

/** One keyset page of a list: `{ items, nextCursor }` (a named component `<name>`). */
export function pageOf(name: string, item: Schema): ReferenceObject {
  return namedSchema(
    name,
    objectOf(
      {
        items: arrayOf(item),
        nextCursor: {
          type: 'string',
          nullable: true,
          description: 'Pass as `cursor` for the next page; null on the last page.',
          example: null,
        },
      },
      { description: "One page of the list, in the list's order." },
    ),
  );
}

/** `{ count }` of the rows a list's filters select. */
export const CountSchema = namedSchema(
  'Count',
  objectOf({ count: { type: 'integer', minimum: 0, example: 42 } }, { description: 'An exact count.' }),
);

/** RFC 9457 problem details: every 4xx and 5xx of the API. */
export const ProblemSchema = namedSchema('Problem', {
  type: 'object',
  description:
    'RFC 9457 problem details (`application/problem+json`). Problems may carry further members (extensions) such as `allowedStates`, `currentVersion` or limits.',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: {
      type: 'string',
      description: 'A URI naming the kind of problem (`about:blank` when only the status says it).',
      example: 'about:blank',
    },
    code: { type: 'string', description: 'A stable, machine-readable name of the kind of problem, when it has one.' },
    title: { type: 'string', example: 'Not Found' },
    status: { type: 'integer', minimum: 400, maximum: 599, example: 404 },
    detail: { type: 'string', example: 'The task does not exist.' },
    instance: { type: 'string', description: 'The request path.', example: '/api/tasks/0b7f6c52-5d0e-4a39-9d0c-6a1f2d5e8c11' },
    requestId: { type: 'string', description: 'The request id (also in `X-Request-Id`): quote it when reporting a problem.' },
    errors: arrayOf(
      objectOf({ field: { type: 'string', example: 'prompt' }, messages: arrayOf({ type: 'string' }) }),
      'The invalid fields of a 400, each with what is wrong with it.',
    ),
  },
  additionalProperties: true,
});

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'The request is invalid: `errors` lists the invalid fields.',
  401: 'The bearer token is missing or invalid.',
  403: "The caller may not do this (a role is missing, or the resource is another user's).",
  404: 'The resource does not exist in this tenant.',
  405: 'The path exists but not with this method (`Allow` lists the methods).',
  409: "The request conflicts with the resource's current state.",
  412: 'The `If-Match` precondition failed: the resource changed since it was read.',
  413: 'The body is larger than the limit the problem names.',
  415: 'The body is not JSON.',
  422: 'The `Idempotency-Key` was used before with another request.',
  428: 'The change requires an `If-Match` precondition.',
  429: 'Too many requests: retry after `Retry-After` seconds.',
  507: 'The tenant stores more than its storage quota: delete data before writing more.',
  500: 'An unexpected error; logged with the request id.',
  503: 'The server cannot serve the request now (database unavailable or busy, shutting down): retry after `Retry-After`.',
};

function problemResponse(status: number, description = PROBLEM_DESCRIPTIONS[status] ?? 'A problem.') {
  return { description, content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } };
}

/**
 * The problems an operation answers with, beyond those every operation has (see
 * `finishOpenApiDocument`): e.g. `@ApiProblems(404, 409)`. A number, or `[status, description]`.
 */
export function ApiProblems(...problems: (number | [number, string])[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...problems.map((entry) => {
      const [status, description] = typeof entry === 'number' ? [entry, undefined] : entry;
      return ApiResponse({ status, ...problemResponse(status, description) });
    }),
  );
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * Readable operation ids derived from controller and method names: `TasksController.list` →
 * `listTasks`, `TasksController.get` → `getTask`, a noun (`DashboardsController.versions`) →
 * `getDashboardVersions`; a method named for what it does (`startExecution`) keeps its name.
 * `@ApiOperation({ operationId })` overrides it. Ids are checked unique by `finishOpenApiDocument`.
 */
export function operationIdOf(controllerKey: string, methodKey: string): string {
  if (/[A-Z]/.test(methodKey)) return methodKey;
  const plural = controllerKey.replace(/Controller$/, '');
  const singular = plural.endsWith('ies') ? `${plural.slice(0, -3)}y` : plural.endsWith('s') ? plural.slice(0, -1) : plural;
  if (methodKey === 'list' || methodKey === 'count') return `${methodKey}${plural}`;
  if (VERBS.has(methodKey)) return `${methodKey}${singular}`;
  return `get${singular}${methodKey[0]!.toUpperCase()}${methodKey.slice(1)}`;
}

const VERBS = new Set([
  'create',
  'get',
  'update',
  'delete',
  'put',
  'transition',
  'restore',
  'record',
  'approve',
  'validate',
  'invalidate',
  'ingest',
  'verify',
  'export',
]);

/**
 * Completes the generated document: the named response schemas as components, and on every
 * operation the problems it can answer with whatever its route: 500 always; 401, 429 and 503
 * where a bearer token is required (503 also while shutting down); 400 where it takes parameters or
 * a body; 413 and 415 where it takes a body; 507 on authenticated writes (the storage quota); 404
 * where its path names a resource.
 */
/** The writes the storage quota guard refuses once a tenant is over its quota (StorageQuotaGuard). */
const QUOTA_CHECKED_METHODS = new Set(['post', 'put', 'patch']);

export function finishOpenApiDocument(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...Object.fromEntries(components) } };
  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation: OperationObject | undefined = item[method];
      if (!operation) continue;
      if (operation.operationId) {
        if (operationIds.has(operation.operationId)) throw new Error(`Two operations have the id ${operation.operationId}`);
        operationIds.add(operation.operationId);
      }
      const statuses = new Set<number>([500, 503]);
      if (operation.security?.length || document.security?.length) for (const status of [401, 429]) statuses.add(status);
      if ((operation.parameters?.length ?? 0) > 0 || operation.requestBody) statuses.add(400);
      if (operation.requestBody) for (const status of [413, 415]) statuses.add(status);
      if (QUOTA_CHECKED_METHODS.has(method) && (operation.security?.length || document.security?.length)) statuses.add(507);
      if (/\{[^}]+\}/.test(path)) statuses.add(404);
      for (const status of statuses) {
        operation.responses[status] ??= problemResponse(status);
      }
    }
  }
  return document;
}

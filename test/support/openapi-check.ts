import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject, OperationObject } from '@nestjs/swagger';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { openApiDocumentOf } from '../../src/http-app.js';
import { recordOpenApiViolation } from './openapi-violations.js';

/**
 * Every response the e2e suite receives from a documented operation is checked against the OpenAPI
 * document: its status must be documented, and its JSON body must validate against that status's
 * schema. A mismatch fails the running test (see preload-esm.ts).
 */

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

interface Checker {
  operations: Map<string, OperationObject>;
  validators: Map<string, ValidateFunction>;
  ajv: Ajv;
  components: unknown;
}

/** Adds the check to an app that is created but not yet initialised (its routes not yet registered). */
export function checkResponsesAgainstOpenApi(app: NestFastifyApplication): void {
  let checker: Checker | undefined;
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (request, reply, payload) => {
      const route = request.routeOptions.url;
      if (!route) return payload;
      try {
        checker ??= checkerOf(openApiDocumentOf(app));
        const key = `${request.method.toLowerCase()} ${route.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`;
        const operation = checker.operations.get(key);
        if (!operation) return payload;
        const problem = violationOf(checker, key, operation, reply.statusCode, String(reply.getHeader('content-type') ?? ''), payload);
        if (problem) recordOpenApiViolation(`${request.method} ${request.url} → ${reply.statusCode}: ${problem}`);
      } catch (error) {
        recordOpenApiViolation(`${request.method} ${request.url}: the check failed: ${String(error)}`);
      }
      return payload;
    });
}

function checkerOf(document: OpenAPIObject): Checker {
  const operations = new Map<string, OperationObject>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (typeof operation === 'object' && operation && 'responses' in operation)
        operations.set(`${method} ${path}`, operation as OperationObject);
    }
  }
  const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  return { operations, validators: new Map(), ajv, components: { schemas: jsonSchemaOf(document.components?.schemas ?? {}) } };
}

function violationOf(
  checker: Checker,
  key: string,
  operation: OperationObject,
  status: number,
  contentType: string,
  payload: unknown,
): string | undefined {
  const response = operation.responses[status] ?? operation.responses.default;
  if (!response) return `status ${status} is not documented for ${operation.operationId ?? key}`;
  const mediaType = contentType.split(';')[0]!.trim();
  const content = 'content' in response ? response.content : undefined;
  const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
  if (!content || Object.keys(content).length === 0) {
    return body ? `a body was sent, but ${status} of ${operation.operationId ?? key} is documented without one` : undefined;
  }
  if (body === undefined || body === '' || !mediaType.endsWith('json')) return undefined;
  const schema = content[mediaType]?.schema;
  if (!schema) return `${mediaType} is not documented for ${status} of ${operation.operationId ?? key}`;
  const validatorKey = `${key} ${status} ${mediaType}`;
  let validate = checker.validators.get(validatorKey);
  if (!validate) {
    validate = checker.ajv.compile({ ...(jsonSchemaOf(schema) as object), components: checker.components });
    checker.validators.set(validatorKey, validate);
  }
  if (validate(JSON.parse(body))) return undefined;
  return `the body does not match the schema of ${operation.operationId ?? key}: ${checker.ajv.errorsText(validate.errors, { separator: '; ' })}\n  body: ${body.slice(0, 500)}`;
}

/** OpenAPI 3.0's schema dialect to JSON Schema: `nullable` becomes a null alternative; examples go. */
function jsonSchemaOf(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(jsonSchemaOf);
  if (typeof schema !== 'object' || schema === null) return schema;
  const { nullable, example: _example, ...rest } = schema as Record<string, unknown>;
  const converted = Object.fromEntries(
    Object.entries(rest).map(([name, value]) => [
      name,
      name === 'properties' || name === 'schemas' ? mapValues(value, jsonSchemaOf) : jsonSchemaOf(value),
    ]),
  );
  const constrained = ['type', 'enum', 'allOf', 'anyOf', 'oneOf', '$ref', 'properties', 'items', 'format'].some(
    (name) => name in converted,
  );
  return nullable === true && constrained ? { anyOf: [converted, { type: 'null' }] } : converted;
}

function mapValues(value: unknown, map: (entry: unknown) => unknown): unknown {
  return typeof value === 'object' && value !== null
    ? Object.fromEntries(Object.entries(value).map(([name, entry]) => [name, map(entry)]))
    : value;
}

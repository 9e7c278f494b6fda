// Some Nest packages (e.g. @nestjs/throttler) are CommonJS and require() the ESM-only @nestjs/common.
// Under jest's VM modules that only works once the ESM package is fully evaluated, so load it first.
import 'reflect-metadata';
import '@nestjs/common';
import '@nestjs/core';
import { afterEach } from '@jest/globals';
import { takeOpenApiViolations } from './openapi-violations.js';

// Responses of documented operations must match the OpenAPI document (test/support/openapi-check.ts).
afterEach(() => {
  const found = takeOpenApiViolations();
  if (found.length > 0) throw new Error(`Responses that do not match the OpenAPI document:\n${found.join('\n')}`);
});

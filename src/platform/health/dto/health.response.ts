import { enumOf, namedSchema, objectOf } from '../../http/openapi.js';

/** The response schema of the health checks: Terminus's result. */

const checks = {
  type: 'object',
  additionalProperties: objectOf({ status: enumOf(['up', 'down']), message: { type: 'string' } }, { optional: ['message'] }),
  example: { database: { status: 'up' } },
} as const;

export const HealthSchema = namedSchema(
  'Health',
  objectOf(
    {
      status: enumOf(['ok', 'error', 'shutting_down']),
      info: { ...checks, nullable: true, description: 'The checks that passed.' },
      error: { ...checks, nullable: true, description: 'The checks that failed.' },
      details: { ...checks, description: 'Every check.' },
    },
    { optional: ['info', 'error'], description: 'Every check passed.' },
  ),
);

import { arrayOf, namedSchema, objectOf } from '../../http/openapi.js';

/** The response schema of `GET /usage`, matching StorageUsage. */

const Bytes = { type: 'integer', minimum: 0 } as const;

export const StorageUsageSchema = namedSchema(
  'StorageUsage',
  objectOf(
    {
      quotaBytes: Bytes,
      usedBytes: Bytes,
      overQuota: { type: 'boolean', description: 'Writes are refused (507) while true.' },
      tables: arrayOf(objectOf({ table: { type: 'string' }, bytes: Bytes }), 'The stored bytes by table.'),
    },
    { description: "The tenant's stored bytes against its quota." },
  ),
);

import { arrayOf, Instant, Integer, JsonObject, namedSchema, objectOf, pageOf, Uuid } from '../../../platform/http/openapi.js';

/** The response schemas of the queries module, matching saved-query.view.ts and SchemaConfigView. */

export const SavedQuerySchema = namedSchema(
  'SavedQuery',
  objectOf(
    {
      id: Uuid,
      name: { type: 'string', example: 'Open tasks by project' },
      description: { type: 'string', nullable: true },
      query: { ...JsonObject, description: 'The query definition.' },
      ownerId: { type: 'string' },
      createdAt: Instant,
      updatedAt: Instant,
    },
    { description: 'A saved query.' },
  ),
);

export const SavedQueryPageSchema = pageOf('SavedQueryPage', SavedQuerySchema);

const SchemaColumn = objectOf(
  { name: { type: 'string' }, displayName: { type: 'string' }, type: { type: 'string' } },
  { optional: ['displayName', 'type'] },
);

const SchemaTable = objectOf(
  { name: { type: 'string' }, schema: { type: 'string' }, displayName: { type: 'string' }, columns: arrayOf(SchemaColumn) },
  { optional: ['schema', 'displayName'] },
);

export const SchemaConfigSchema = namedSchema(
  'SchemaConfig',
  objectOf(
    {
      tables: arrayOf(SchemaTable, 'The tables (and their columns) queries may name; empty: anything may be queried.'),
      version: { ...Integer, minimum: 0, description: 'The version (also the `ETag`); 0 before the first PUT.' },
      updatedBy: { type: 'string', nullable: true },
      updatedAt: { type: 'string', format: 'date-time', nullable: true },
    },
    { description: "The tenant's schema configuration." },
  ),
);

import {
  AnyJson,
  arrayOf,
  enumOf,
  Instant,
  Integer,
  namedSchema,
  nullable,
  objectOf,
  pageOf,
  Uuid,
} from '../../../platform/http/openapi.js';
import { DEPENDENCY_TYPES } from '../asset-type.js';

/** The response schemas of the assets module, matching asset-content.ts and asset-graph.ts. */

const DependencyType = enumOf(DEPENDENCY_TYPES);
const Global = { type: 'boolean', description: 'A global catalogue entry: every tenant reads it, none changes it.' } as const;

export const AssetSchema = namedSchema(
  'Asset',
  objectOf({
    id: Uuid,
    name: { type: 'string', example: 'warehouse.orders' },
    description: { type: 'string', nullable: true },
    assetType: {
      type: 'string',
      example: 'table',
      description: 'A documented type (table, view, file, …) or any other lower-case identifier.',
    },
    owner: { type: 'string', nullable: true },
    tags: arrayOf({ type: 'string' }),
    metadata: AnyJson,
    createdAt: Instant,
    updatedAt: Instant,
    global: Global,
  }),
);

export const AssetPageSchema = pageOf('AssetPage', AssetSchema);

export const AssetDependencySchema = namedSchema(
  'AssetDependency',
  objectOf({
    id: Uuid,
    upstreamId: Uuid,
    downstreamId: Uuid,
    type: DependencyType,
    workflowId: nullable({ ...Uuid, description: "Set when a workflow's declared inputs and outputs made this edge." }),
    createdAt: Instant,
    global: Global,
  }),
);

export const AssetDependencyPageSchema = pageOf('AssetDependencyPage', AssetDependencySchema);

export const AssetLineageSchema = namedSchema(
  'AssetLineage',
  objectOf(
    {
      nodes: arrayOf(
        objectOf({
          id: Uuid,
          name: { type: 'string' },
          assetType: { type: 'string' },
          depth: { type: 'integer', minimum: 0 },
          global: { type: 'boolean' },
        }),
      ),
      edges: arrayOf(objectOf({ upstreamId: Uuid, downstreamId: Uuid, type: DependencyType })),
      truncated: { type: 'boolean', description: 'A cap (depth or nodes) cut the graph.' },
    },
    { description: 'The graph around an asset: each asset once, at its nearest depth.' },
  ),
);

export const AssetImpactSchema = namedSchema(
  'AssetImpact',
  objectOf(
    {
      assets: arrayOf(
        objectOf({ id: Uuid, name: { type: 'string' }, assetType: { type: 'string' }, depth: Integer }),
        'The assets downstream, nearest first.',
      ),
      workflows: arrayOf(
        objectOf({ id: Uuid, name: { type: 'string' }, version: Integer, reads: arrayOf(Uuid), produces: arrayOf(Uuid) }),
        'The workflows whose latest version reads or produces the asset or one downstream of it.',
      ),
      truncated: { type: 'boolean' },
    },
    { description: 'What breaks if the asset is late or wrong.' },
  ),
);

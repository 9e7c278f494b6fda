import { arrayOf, enumOf, Instant, Integer, JsonObject, namedSchema, objectOf, pageOf, Uuid } from '../../../platform/http/openapi.js';
import { STATS_BUCKETS } from './audit-stats.query.js';

/** The response schemas of the audit module, matching audit-entry.view.ts, audit-stats.ts and audit-verification.ts. */

const Hex = { type: 'string', pattern: '^[0-9a-f]+$', description: 'SHA-256, hex.' } as const;

export const AuditEntrySchema = namedSchema(
  'AuditEntry',
  objectOf(
    {
      id: Uuid,
      tenantId: { type: 'string' },
      actorId: { type: 'string' },
      actorRoles: arrayOf({ type: 'string' }),
      action: { type: 'string', example: 'task.create' },
      resourceType: { type: 'string', example: 'task' },
      resourceId: { type: 'string', nullable: true },
      details: { ...JsonObject, description: 'What the action did (for changes: `changes`, by camelCase field).' },
      ipAddress: { type: 'string', nullable: true },
      userAgent: { type: 'string', nullable: true },
      requestId: { type: 'string', nullable: true },
      createdAt: Instant,
      chain: { ...Integer, nullable: true, description: 'The hash chain the entry belongs to; null until the entry is sealed (seconds).' },
      chainSeq: { ...Integer, nullable: true, description: "The entry's position in its chain; null until sealed." },
      prevHash: {
        ...Hex,
        nullable: true,
        description: "The hash of the entry before it in its chain; null for a chain's first, and until sealed.",
      },
      hash: { ...Hex, nullable: true, description: 'SHA-256 of the entry and its link, hex; null until sealed.' },
    },
    { description: "One entry of the tenant's audit trail (an NDJSON export line has the same shape)." },
  ),
);

export const AuditEntryPageSchema = pageOf('AuditEntryPage', AuditEntrySchema);

export const AuditVerificationSchema = namedSchema(
  'AuditVerification',
  objectOf(
    {
      ok: { type: 'boolean', description: 'True when every entry checked matches its hash and links to the one before it.' },
      checked: { type: 'integer', minimum: 0, description: 'Sealed entries whose hash and chain link were recomputed.' },
      unsealed: {
        type: 'integer',
        minimum: 0,
        description:
          'Entries of the checked range not sealed into the chain yet (committed while the call sealed the trail): sealed within seconds, not checked by this call.',
      },
      firstBrokenEntryId: { ...Uuid, description: 'The earliest entry found altered or unlinked (when `ok` is false).' },
      problem: { type: 'string', description: 'What is wrong with that entry (when `ok` is false).' },
      complete: {
        type: 'boolean',
        description: 'False when the range held more than one call checks: call again with `from` = `nextFrom`.',
      },
      nextFrom: { ...Instant, description: 'Where to resume (when `complete` is false).' },
    },
    { optional: ['firstBrokenEntryId', 'problem', 'nextFrom'] },
  ),
);

const counts = {
  type: 'object',
  additionalProperties: Integer,
  description: 'Entries per action family; families without entries are absent.',
} as const;

export const AuditStatsSchema = namedSchema(
  'AuditStats',
  objectOf({
    from: Instant,
    to: Instant,
    bucket: enumOf(STATS_BUCKETS),
    families: arrayOf({ type: 'string', example: 'task' }, 'Every action family with an entry in the range, the busiest first.'),
    total: Integer,
    buckets: arrayOf(objectOf({ start: Instant, total: Integer, counts }), 'Every bucket of the range, oldest first, empty ones included.'),
  }),
);

import { defineProblemTypes, type ProblemType } from './problem-type.js';

const RETRY_AFTER = 'The response carries `Retry-After` (seconds).';

/**
 * The problem types of the platform: the HTTP layer, authentication, limits, the database, and the
 * types every error that is not ours (Nest's HttpExceptions, ORM and driver errors) is mapped to.
 */
export const PlatformProblems = defineProblemTypes('platform', {
  'validation-failed': {
    status: 400,
    title: 'Validation failed',
    when: 'A field of the body, query or path is missing, malformed or out of range. Fix the fields listed in `errors` and resend.',
    members: { errors: 'the invalid fields: `[{ field, messages: string[] }]`' },
  },
  'unknown-reference': {
    status: 400,
    title: 'Unknown reference',
    when: 'A field names a resource that does not exist in this tenant (a project, task, saved query…); another tenant’s ids count as unknown.',
    members: { errors: 'the fields naming unknown resources: `[{ field, messages }]`' },
  },
  'malformed-request': {
    status: 400,
    title: 'Malformed request',
    when: 'The body could not be parsed (for example invalid JSON).',
  },
  'body-too-deep': {
    status: 400,
    title: 'Body nests too deep',
    when: 'The JSON body nests objects and arrays deeper than the server accepts.',
  },
  'invalid-cursor': {
    status: 400,
    title: 'Invalid cursor',
    when: 'A `cursor` is not the `nextCursor` of a previous page of the same list and sort. Pass it back unchanged.',
  },
  'invalid-precondition-header': {
    status: 400,
    title: 'Invalid precondition header',
    when: '`If-Match` or `If-None-Match` is not `*` or a list of entity tags such as `"3"`.',
    members: { errors: 'the header named as `field`' },
  },
  'invalid-idempotency-key': {
    status: 400,
    title: 'Invalid Idempotency-Key',
    when: '`Idempotency-Key` is empty, longer than 255 characters or not visible ASCII.',
  },
  'invalid-value': {
    status: 400,
    title: 'Value cannot be stored',
    when: 'A value passed validation but the database cannot store it (out of its range, invalid text encoding…).',
  },
  'constraint-violated': {
    status: 400,
    title: 'Constraint violated',
    when: 'The request breaks a rule the database enforces on the resource (a check constraint).',
  },
  'bad-request': {
    status: 400,
    title: 'Bad Request',
    when: 'The framework refused the request before it reached the service, for a reason no other type describes.',
  },
  unauthorized: {
    status: 401,
    title: 'Unauthorized',
    when: 'The bearer token is missing, malformed, expired, or not signed by a trusted issuer. The reason is never told (it is logged at debug level with the request id). The response carries `WWW-Authenticate`.',
  },
  forbidden: {
    status: 403,
    title: 'Forbidden',
    when: 'The token is valid but its roles do not grant the route. The refusal is recorded in the audit trail.',
  },
  'not-owner': {
    status: 403,
    title: 'Not the owner',
    when: 'Only the user who created the resource, or an admin, may change or delete it.',
  },
  'not-found': {
    status: 404,
    title: 'Not Found',
    when: 'No route matches the path, or the resource does not exist (a module’s own `…-not-found` type says which resource when it knows).',
  },
  'method-not-allowed': {
    status: 405,
    title: 'Method Not Allowed',
    when: 'The path exists but not with this method. The response carries `Allow`.',
    members: { allowedMethods: 'the methods the path allows, as in `Allow`' },
  },
  'already-exists': {
    status: 409,
    title: 'Already exists',
    when: 'A resource with the same unique value already exists (a module’s own `…-name-taken` type says which when it knows).',
  },
  'reference-conflict': {
    status: 409,
    title: 'Reference conflict',
    when: 'The request refers to a resource that does not exist, or removes one that is still referenced.',
  },
  conflict: {
    status: 409,
    title: 'Conflict',
    when: 'The request conflicts with the resource’s current state, for a reason no other type describes.',
  },
  'idempotency-key-in-use': {
    status: 409,
    title: 'Idempotency-Key in use',
    when: 'A request with the same `Idempotency-Key` is still being processed. Retry it later to get its answer.',
  },
  'precondition-failed': {
    status: 412,
    title: 'Precondition failed',
    when: 'The resource changed since it was read: `If-Match` or the body’s `version` does not match. Read it again and reapply the change. The response carries the current `ETag`.',
    members: { currentVersion: 'the version the resource has now' },
  },
  'payload-too-large': {
    status: 413,
    title: 'Payload Too Large',
    when: 'The request body is larger than the route accepts (`BODY_LIMIT_BYTES` unless the route sets its own limit).',
    members: { maxBytes: 'the route’s body limit in bytes (when known)' },
  },
  'json-value-too-large': {
    status: 413,
    title: 'JSON value too large',
    when: 'A JSON field (settings, config, a result…) is larger, serialised as UTF-8, than the service keeps.',
    members: { errors: 'the field and its limit: `[{ field, messages }]`' },
  },
  'unsupported-media-type': {
    status: 415,
    title: 'Unsupported Media Type',
    when: 'A body was sent with a `Content-Type` other than `application/json`. The response carries `Accept-Post` or `Accept-Patch`.',
    members: { acceptedMediaTypes: 'the media types the route accepts' },
  },
  'idempotency-key-reused': {
    status: 422,
    title: 'Idempotency-Key reused',
    when: 'The `Idempotency-Key` was already used with a different request (method, path or body). Use a new key for a new request.',
  },
  'client-error': {
    status: 400,
    title: 'Client error',
    when: 'The framework answered with a 4xx status that no other type describes; `status` is that status.',
  },
  'rate-limited': {
    status: 429,
    title: 'Too Many Requests',
    when: `The caller (token, tenant or address) made more requests than its limit a minute. ${RETRY_AFTER}`,
    members: { limit: 'the requests a minute allowed', scope: 'which limit was reached: `tenant` or `user`' },
  },
  'authentication-failures-limited': {
    status: 429,
    title: 'Too many failed authentications',
    when: `The address failed authentication too often (\`AUTH_FAILURES_PER_MINUTE\`). ${RETRY_AFTER}`,
  },
  'tenant-share-exhausted': {
    status: 429,
    title: 'Tenant share exhausted',
    when: `The tenant already uses its whole share of the database pool (\`DB_TENANT_SHARE\`) and the wait for a connection ran out. ${RETRY_AFTER}`,
    members: { limit: 'the units of work the tenant may run at once' },
  },
  'internal-error': {
    status: 500,
    title: 'Internal Server Error',
    when: 'An unexpected error; it is logged with the request id (`requestId`), which support needs. Nothing internal is told.',
  },
  'service-unavailable': {
    status: 503,
    title: 'Service Unavailable',
    when: `The service cannot answer now, for a reason no other type describes. ${RETRY_AFTER}`,
  },
  'not-ready': {
    status: 503,
    title: 'Not ready',
    when: `A health probe (\`/health/ready\`, \`/health/live\`) failed: the instance should get no traffic (ready) or be restarted (live) until the failed checks pass. ${RETRY_AFTER}`,
    members: { checks: 'the state of each check: `{ [name]: { status: "up" | "down", message? } }`' },
  },
  'database-unavailable': {
    status: 503,
    title: 'Database unavailable',
    when: `The database cannot be reached or refuses connections. ${RETRY_AFTER}`,
  },
  busy: {
    status: 503,
    title: 'Resource busy',
    when: `The resource is locked by another request for longer than the lock timeout, or a deadlock or serialization failure ended the transaction. Retrying can succeed. ${RETRY_AFTER}`,
  },
  'statement-timeout': {
    status: 503,
    title: 'Statement timeout',
    when: `The request took longer than the database allows (\`DB_STATEMENT_TIMEOUT_MS\`) and was cancelled; narrow it (filters, a smaller page) or retry later. ${RETRY_AFTER}`,
  },
  'shutting-down': {
    status: 503,
    title: 'Shutting down',
    when: `The server is draining before it stops; another instance (or this one, restarted) will answer. ${RETRY_AFTER}`,
  },
  'storage-quota-exceeded': {
    status: 507,
    title: 'Storage quota exceeded',
    when: 'The tenant stores more than its quota (`TENANT_STORAGE_QUOTA_BYTES`): writes that add data are refused until data is deleted. `GET /api/usage` shows where the space goes.',
    members: { quotaBytes: 'the tenant’s quota in bytes' },
  },
});

const BY_STATUS: Record<number, ProblemType> = {
  400: PlatformProblems.types['bad-request'],
  401: PlatformProblems.types.unauthorized,
  403: PlatformProblems.types.forbidden,
  404: PlatformProblems.types['not-found'],
  405: PlatformProblems.types['method-not-allowed'],
  409: PlatformProblems.types.conflict,
  412: PlatformProblems.types['precondition-failed'],
  413: PlatformProblems.types['payload-too-large'],
  415: PlatformProblems.types['unsupported-media-type'],
  429: PlatformProblems.types['rate-limited'],
  500: PlatformProblems.types['internal-error'],
  503: PlatformProblems.types['service-unavailable'],
  507: PlatformProblems.types['storage-quota-exceeded'],
};

/** The platform's type for an error that only has a status (Nest's HttpExceptions, Fastify's errors). */
export function problemTypeForStatus(status: number): ProblemType {
  return BY_STATUS[status] ?? (status < 500 ? PlatformProblems.types['client-error'] : PlatformProblems.types['internal-error']);
}

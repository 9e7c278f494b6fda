import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';

const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Fastify's genReqId: the caller's X-Request-Id when it is a sane token, else a new UUID. Stored on
 * the raw request too, so the logging middleware (which only sees the raw request) uses the same id.
 */
export function requestIdOf(raw: IncomingMessage | Http2ServerRequest): string {
  const offered = raw.headers['x-request-id'];
  const id = typeof offered === 'string' && ACCEPTABLE_REQUEST_ID.test(offered) ? offered : randomUUID();
  Object.assign(raw, { id });
  return id;
}

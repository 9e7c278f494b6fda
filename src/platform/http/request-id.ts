import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import { addressMatcher } from '../../config/environment.js';

const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

type RawRequest = IncomingMessage | Http2ServerRequest;

/**
 * Fastify's genReqId. The request id names a request in logs, problems and the audit trail, so a
 * caller's X-Request-Id becomes it only when a trusted proxy (TRUST_PROXY) vouches for it: anyone
 * else could reuse another request's id to blur the trail. Their request gets a new UUID, and a sane
 * offered value is kept apart as `clientRequestId`. Both go on the raw request too, where the
 * logging middleware (which only sees the raw request) reads them.
 */
export function requestIdGenerator(trustProxy: boolean | readonly string[]): (raw: RawRequest) => string {
  const fromTrustedPeer = typeof trustProxy === 'boolean' ? () => trustProxy : addressMatcher(trustProxy);
  return (raw) => {
    const offered = raw.headers['x-request-id'];
    const sane = typeof offered === 'string' && ACCEPTABLE_REQUEST_ID.test(offered) ? offered : undefined;
    if (sane !== undefined && fromTrustedPeer(raw.socket.remoteAddress ?? '')) {
      return Object.assign(raw, { id: sane }).id;
    }
    return Object.assign(raw, { id: randomUUID(), clientRequestId: sane }).id;
  };
}

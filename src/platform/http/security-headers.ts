import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Helmet's security headers on every response, from one middleware made at start-up: the Fastify
 * plugin (@fastify/helmet) makes Helmet's middleware again on every request, parsing the whole
 * configuration each time. Helmet writes on the raw response, as it did through the plugin.
 */
export function registerSecurityHeaders(fastify: FastifyInstance, options: HelmetOptions): void {
  const applyHeaders = helmet(options);
  fastify.addHook('onRequest', (request, reply, done) => {
    // Helmet sets the headers and calls on synchronously; it throws rather than passing an error on.
    applyHeaders(request.raw, reply.raw, () => undefined);
    done();
  });
}

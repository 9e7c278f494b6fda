import { Injectable } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { PlatformProblems } from '../errors/platform-problems.js';
import type { Problem } from '../errors/problem.js';
import { HttpMetrics, UNMATCHED_ROUTE } from './http-metrics.js';
import { type RejectionReason, TenantMetrics } from './tenant-metrics.js';

/** The problems that refuse a tenant's request before its work runs, read from the response. */
const REJECTIONS: Record<string, RejectionReason> = {
  [PlatformProblems.types['rate-limited'].code]: 'rate_limit',
  [PlatformProblems.types['tenant-share-exhausted'].code]: 'pool_share',
  [PlatformProblems.types['storage-quota-exceeded'].code]: 'storage_quota',
};

type ObservedRequest = FastifyRequest & { user?: Principal };

/**
 * Measures every response with Fastify hooks: by route template (known once the route matched, before
 * any hook runs), status and duration; per tenant for authenticated requests. Refusals are told apart
 * by the problem they answer with, in one place, rather than by a counter in each refusing guard.
 */
@Injectable()
export class RequestMetrics {
  private readonly rejections = new WeakMap<FastifyRequest, RejectionReason>();

  constructor(
    private readonly http: HttpMetrics,
    private readonly tenants: TenantMetrics,
  ) {}

  attachTo(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', async (request) => {
      const route = request.routeOptions.url;
      // The HTTP server span (when tracing) is named by its route, as OpenTelemetry's conventions want.
      if (route) trace.getActiveSpan()?.setAttribute('http.route', route).updateName(`${request.method} ${route}`);
    });
    fastify.addHook('preSerialization', async (request, reply, payload) => {
      if (reply.statusCode >= 400) {
        const reason = REJECTIONS[(payload as Partial<Problem> | null)?.code ?? ''];
        if (reason) this.rejections.set(request, reason);
      }
      return payload;
    });
    fastify.addHook('onResponse', async (request: ObservedRequest, reply) => {
      this.http.observe(request.method, request.routeOptions.url ?? UNMATCHED_ROUTE, reply.statusCode, reply.elapsedTime / 1000);
      if (request.user) this.tenants.record(request.user.tenantId, this.rejections.get(request));
    });
  }
}

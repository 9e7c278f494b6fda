import { Module } from '@nestjs/common';
import { HttpMetrics } from './http-metrics.js';
import { JobMetrics } from './job-metrics.js';
import { MetricsRegistry } from './metrics-registry.js';
import { MetricsServer } from './metrics-server.js';
import { PoolMetrics } from './pool-metrics.js';
import { RequestMetrics } from './request-metrics.js';
import { TenantMetrics } from './tenant-metrics.js';
import { TraceFlush } from './trace-flush.js';

/**
 * Prometheus metrics of this process, served on their own port (MetricsServer). RequestMetrics is
 * attached to Fastify by createHttpApp; JobMetrics observes the cluster jobs' outcomes; modules add
 * metrics of their own to the exported registry. Tracing starts before the application
 * (tracing.register.ts); here its last spans are flushed at shutdown.
 */
@Module({
  providers: [MetricsRegistry, HttpMetrics, TenantMetrics, RequestMetrics, PoolMetrics, JobMetrics, MetricsServer, TraceFlush],
  exports: [MetricsRegistry],
})
export class ObservabilityModule {}

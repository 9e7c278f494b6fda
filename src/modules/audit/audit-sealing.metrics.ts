import { Injectable, Logger } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsRegistry } from '../../platform/observability/metrics-registry.js';
import { AuditSealingRepository } from './audit-sealing.repository.js';

/**
 * How far sealing lags behind the writers, read when Prometheus scrapes (one probe of the unsealed
 * entries' partial index as the schema owner): a few seconds while the sealing job keeps up, growing
 * while it cannot run. Without the owner there is nothing to read, and no gauge.
 */
@Injectable()
export class AuditSealingMetrics {
  private readonly logger = new Logger(AuditSealingMetrics.name);

  constructor(sealing: AuditSealingRepository, registry: MetricsRegistry) {
    if (!sealing.available) return;
    const logger = this.logger;
    new Gauge({
      name: 'audit_sealing_lag_seconds',
      help: 'Age of the oldest audit entry not yet sealed into its hash chain, across tenants (0 when every entry is sealed).',
      registers: [registry],
      async collect() {
        try {
          this.set(await sealing.oldestUnsealedAgeSeconds());
        } catch (error) {
          // The scrape goes on without a fresh value: a database blip must not fail every other metric.
          logger.warn({ err: error }, 'Could not read the audit sealing lag');
        }
      },
    });
  }
}

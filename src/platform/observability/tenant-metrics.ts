import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Counter } from 'prom-client';
import type { Environment } from '../../config/environment.js';
import { MetricsRegistry } from './metrics-registry.js';

/** Why a tenant's request was refused before its work ran. */
export type RejectionReason = 'rate_limit' | 'pool_share' | 'storage_quota';
const REJECTION_REASONS: readonly RejectionReason[] = ['rate_limit', 'pool_share', 'storage_quota'];

/** The label of every tenant outside the busiest ones. */
export const OTHER_TENANTS = 'other';

/** A bound on the tenants counted for the next ranking: past it, a tenant first seen in a window is not ranked in it. */
const MAX_RANKED_TENANTS = 10_000;

/**
 * Requests and refusals per tenant, with one label per tenant for the busiest METRICS_TENANT_TOP_N only
 * and `other` for the rest, so the series stay bounded however many tenants there are. Top-N rather
 * than hashed buckets: an operator must see *which* tenant is loud, and a bucket mixes tenants.
 * Counts are never moved between series (a counter must only grow): a tenant that enters the top N
 * counts under its own label from then on; one that drops out has its series removed, its earlier
 * counts staying in `other`'s past. The ranking is by requests since the previous scrape; until the
 * first ranking, and while fewer than N are labelled, the first tenants seen get the free labels.
 */
@Injectable()
export class TenantMetrics {
  private readonly topN: number;
  private readonly requests: Counter<'tenant'>;
  private readonly rejections: Counter<'tenant' | 'reason'>;
  private labelled = new Set<string>();
  private window = new Map<string, number>();

  constructor(registry: MetricsRegistry, config: ConfigService<Environment, true>) {
    this.topN = config.get('METRICS_TENANT_TOP_N', { infer: true });
    this.requests = new Counter({
      name: 'tenant_requests_total',
      help: `Authenticated requests per tenant: the busiest ${this.topN} by name, the others as "${OTHER_TENANTS}".`,
      labelNames: ['tenant'],
      registers: [registry],
    });
    this.rejections = new Counter({
      name: 'tenant_rejections_total',
      help: 'Requests refused per tenant (same tenant labels as tenant_requests_total) and reason: rate_limit, pool_share, storage_quota.',
      labelNames: ['tenant', 'reason'],
      registers: [registry],
    });
  }

  record(tenantId: string, rejection?: RejectionReason): void {
    const seen = this.window.get(tenantId);
    if (seen !== undefined || this.window.size < MAX_RANKED_TENANTS) this.window.set(tenantId, (seen ?? 0) + 1);
    const tenant = this.labelOf(tenantId);
    this.requests.inc({ tenant });
    if (rejection) this.rejections.inc({ tenant, reason: rejection });
  }

  /** Ranks the window that just ended (called once a scrape has read it): its busiest tenants keep or get labels. */
  startNewWindow(): void {
    const busiest = new Set(
      [...this.window]
        .sort(([, a], [, b]) => b - a)
        .slice(0, this.topN)
        .map(([tenantId]) => tenantId),
    );
    for (const tenant of this.labelled) {
      if (busiest.has(tenant)) continue;
      this.requests.remove({ tenant });
      for (const reason of REJECTION_REASONS) this.rejections.remove({ tenant, reason });
    }
    this.labelled = busiest;
    this.window = new Map();
  }

  private labelOf(tenantId: string): string {
    if (this.labelled.has(tenantId)) return tenantId;
    if (this.labelled.size >= this.topN) return OTHER_TENANTS;
    this.labelled.add(tenantId);
    return tenantId;
  }
}

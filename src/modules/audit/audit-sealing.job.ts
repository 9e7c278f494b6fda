import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { AuditSealingRepository } from './audit-sealing.repository.js';

/** How often entries are sealed: the most an entry stays out of its chain while the job keeps up. */
export const SEALING_INTERVAL_MS = 2_000;
/** Tenants sealed per transaction: a killed run redoes at most this many tenants' links. */
const TENANTS_PER_TRANSACTION = 100;

/**
 * Links every tenant's newly committed entries into its hash chain, off the writers' path (ADR 0004),
 * as the schema owner, a batch of tenants per transaction. Every instance runs it: the database lets
 * one sealer per tenant work at a time and the others skip that tenant (try-lock), so no cluster job
 * lease is needed. A run killed midway rolls back its batch; the next run seals those entries, once.
 * Without the owner (DATABASE_OWNER_URL) nothing can list the tenants: entries are then sealed when a
 * tenant's trail is verified or exported.
 */
@Injectable()
export class AuditSealingJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditSealingJob.name);
  private running = false;
  private stopped = false;

  constructor(private readonly sealing: AuditSealingRepository) {}

  onApplicationBootstrap(): void {
    if (!this.sealing.available) {
      this.logger.warn('No DATABASE_OWNER_URL: audit entries are sealed only when a tenant verifies or exports its trail');
    }
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  /** Returns how many entries this run sealed. */
  @Interval('audit-sealing', SEALING_INTERVAL_MS)
  async run(): Promise<number> {
    // A run that outlasts the interval is not overlapped by the next on this instance.
    if (this.running || this.stopped || !this.sealing.available) return 0;
    this.running = true;
    let sealed = 0;
    try {
      const tenants = await this.sealing.tenantsWithUnsealedEntries();
      for (let start = 0; start < tenants.length && !this.stopped; start += TENANTS_PER_TRANSACTION) {
        sealed += await this.sealing.sealTenants(tenants.slice(start, start + TENANTS_PER_TRANSACTION));
      }
    } catch (error) {
      this.logger.error({ err: error }, 'Audit sealing failed; it is retried on the next run');
    } finally {
      this.running = false;
    }
    return sealed;
  }
}

import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { MaintenanceDatabase } from '../../platform/database/maintenance-database.js';
import { RecordSql } from '../../platform/database/sql/record-sql.decorator.js';
import { queryRowsOn, sql } from '../../platform/database/sql/sql.js';
import { auditTenants } from './audit-tenants.js';

/**
 * The sealing job's SQL, run as the schema owner outside any request: which tenants have entries
 * waiting (the owner's maintenance policy lets it list the trail's tenants; row-level security shows
 * the runtime role one tenant at a time), and sealing a batch of tenants in one transaction, each
 * under its own tenant setting (a transaction per tenant would cost more than the sealing itself).
 */
@Injectable()
export class AuditSealingRepository {
  constructor(
    private readonly maintenance: MaintenanceDatabase,
    private readonly em: EntityManager,
  ) {}

  /** Whether the schema owner is configured at all. */
  get available(): boolean {
    return this.maintenance.available;
  }

  /** One probe of the partial index of unsealed entries per tenant found (a loose index scan). */
  @RecordSql()
  tenantsWithUnsealedEntries(): Promise<string[]> {
    return this.maintenance.transaction({}, async (owner) => {
      const rows = await queryRowsOn(owner, this.em, auditTenants(sql`hash is null`));
      return rows.map((row) => row.tenant_id);
    });
  }

  /** Seals the tenants' pending entries in one transaction (audit_seal_tenants()); returns how many. */
  @RecordSql([['example-tenant', 'other-tenant']])
  sealTenants(tenants: string[]): Promise<number> {
    return this.maintenance.transaction({}, async (owner) => {
      const [{ sealed }] = await queryRowsOn<{ sealed: number }>(
        owner,
        this.em,
        sql`select audit_seal_tenants(${tenants}::text[]) as sealed`,
      );
      return sealed;
    });
  }

  /** How long the oldest entry still outside its chain has waited, in seconds (0 when none waits), across tenants. */
  @RecordSql()
  oldestUnsealedAgeSeconds(): Promise<number> {
    return this.maintenance.transaction({}, async (owner) => {
      const [{ seconds }] = await queryRowsOn<{ seconds: number }>(
        owner,
        this.em,
        sql`select coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as seconds from audit_entries where hash is null`,
      );
      return seconds;
    });
  }
}

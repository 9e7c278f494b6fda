import { LockMode } from '@mikro-orm/core';
import { v7 as uuidv7 } from 'uuid';
import { RecordSql } from '../../platform/database/sql/record-sql.decorator.js';
import { isoInstant, queryRow, sql } from '../../platform/database/sql/sql.js';
import { TenantRepository } from '../../platform/database/tenant-repository.js';
import { TenantContext } from '../../platform/tenancy/tenant-context.js';
import type { QueryTables } from './queries.tables.js';
import type { SchemaConfig } from './schema-config.entity.js';

/** A schema configuration as stored (the first one, before the ORM knows it). */
export interface StoredSchemaConfig {
  tables: unknown[];
  version: number;
  updatedBy: string;
  updatedAt: Date;
}

const EXAMPLE_TABLES = [{ name: 'orders', columns: [{ name: 'region' }, { name: 'amount', type: 'numeric' }] }];

/** The tenant's one schema configuration (the ORM's tenant filter scopes every read). */
export class SchemaConfigRepository extends TenantRepository<SchemaConfig> {
  @RecordSql()
  current(): Promise<SchemaConfig | null> {
    return this.findOne({});
  }

  /** The configuration, locked until the unit of work ends: a change decided on what it read cannot be overtaken. */
  @RecordSql()
  lockedForChange(): Promise<SchemaConfig | null> {
    return this.findOne({}, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  }

  /**
   * Stores the tenant's first configuration, unless another one was stored meanwhile (then
   * undefined: lock and change that one). One statement, so two first saves cannot both win.
   */
  @RecordSql([EXAMPLE_TABLES])
  async addFirst(tables: unknown[]): Promise<StoredSchemaConfig | undefined> {
    const { tenantId, actorId } = TenantContext.current();
    const stored = await queryRow(
      this.em,
      this.em
        .getKysely<QueryTables>()
        .insertInto('schema_configs')
        .values({
          id: uuidv7(),
          tenant_id: tenantId,
          tables: JSON.stringify(tables),
          version: 1,
          updated_by: actorId,
          updated_at: new Date(),
        })
        .onConflict((conflict) => conflict.column('tenant_id').doNothing())
        .returning([
          sql.ref<unknown[]>('tables').as('tables'),
          sql.ref<number>('version').as('version'),
          sql.ref<string>('updated_by').as('updatedBy'),
          isoInstant(sql.ref('updated_at')).as('updatedAt'),
        ]),
    );
    return stored && { ...stored, updatedAt: new Date(stored.updatedAt) };
  }
}

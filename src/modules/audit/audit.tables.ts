import type { ColumnType } from 'kysely';

/** Columns the sealing trigger writes: read, never written by the application. */
type Sealed<T> = ColumnType<T, never, never>;

/** The tables of this module as its Kysely queries see them (column names as in the database). */
export interface AuditTables {
  audit_entries: {
    id: Sealed<string>;
    tenant_id: string;
    chain: Sealed<number>;
    /** bigint: node-postgres reads it as text. */
    chain_seq: Sealed<string>;
    prev_hash: Sealed<Buffer | null>;
    hash: Sealed<Buffer>;
    actor_id: Sealed<string>;
    actor_roles: Sealed<string[]>;
    action: string;
    resource_type: string;
    resource_id: string | null;
    /** Written as JSON text, read parsed. */
    details: ColumnType<Record<string, unknown>, string, never>;
    ip_address: Sealed<string | null>;
    user_agent: Sealed<string | null>;
    request_id: Sealed<string | null>;
    created_at: Sealed<Date>;
  };
}

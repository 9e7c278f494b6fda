import type { ColumnType } from 'kysely';

/** Columns the database writes (the stamping trigger, or the sealer): read, never written by the application. */
type Sealed<T> = ColumnType<T, never, never>;

/** The tables of this module as its Kysely queries see them (column names as in the database). */
export interface AuditTables {
  audit_entries: {
    id: Sealed<string>;
    tenant_id: string;
    /** xid8: node-postgres reads it as text. */
    xid: Sealed<string | null>;
    /** The chain fields: all null until the entry is sealed. */
    chain: Sealed<number | null>;
    /** bigint: node-postgres reads it as text. */
    chain_seq: Sealed<string | null>;
    prev_hash: Sealed<Buffer | null>;
    hash: Sealed<Buffer | null>;
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

import type { ColumnType } from 'kysely';

/** JSON columns: read as parsed values, written as JSON text (PostgreSQL casts it on assignment). */
type JsonColumn<T> = ColumnType<T, string, string>;

/** The tables of this module as its Kysely queries see them (column names as in the database). */
export interface QueryTables {
  saved_queries: {
    id: string;
    tenant_id: string;
    name: string;
    description: string | null;
    query: JsonColumn<Record<string, unknown>>;
    owner_id: string;
    created_at: Date;
    updated_at: Date;
  };
  schema_configs: {
    id: string;
    tenant_id: string;
    tables: JsonColumn<unknown[]>;
    version: number;
    updated_by: string;
    updated_at: Date;
  };
}

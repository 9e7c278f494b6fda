import type { ColumnType } from 'kysely';

/** JSON columns: read as parsed values, written as JSON text (PostgreSQL casts it on assignment). */
type JsonColumn = ColumnType<Record<string, unknown>, string, string>;

/** The tables of this module as Kysely sees them (column names as in the database). */
export interface ProjectTables {
  projects: {
    id: string;
    tenant_id: string;
    name: string;
    description: string | null;
    settings: JsonColumn;
    archived_at: Date | null;
    created_at: Date;
    updated_at: Date;
  };
}

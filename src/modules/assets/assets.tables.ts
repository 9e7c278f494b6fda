import type { ColumnType } from 'kysely';

/** JSON columns: read as parsed values, written as JSON text (PostgreSQL casts it on assignment). */
type JsonColumn = ColumnType<unknown, string | null, string | null>;

/** The tables of this module as Kysely sees them (column names as in the database). */
export interface AssetTables {
  assets: {
    id: string;
    tenant_id: string;
    name: string;
    description: string | null;
    asset_type: string;
    owner: string | null;
    tags: string[];
    metadata: JsonColumn;
    created_at: Date;
    updated_at: Date;
  };
  asset_dependencies: {
    id: string;
    tenant_id: string;
    upstream_id: string;
    upstream_tenant_id: string;
    downstream_id: string;
    type: string;
    workflow_id: string | null;
    created_at: Date;
  };
}

import type { ColumnType } from 'kysely';

/** JSON columns: read as parsed values, written as JSON text (PostgreSQL casts it on assignment). */
type JsonColumn = ColumnType<unknown, string | null, string | null>;

/** The tables of this module as Kysely sees them (column names as in the database). */
export interface WorkflowTables {
  workflows: {
    id: string;
    tenant_id: string;
    name: string;
    latest_version: number;
    created_at: Date;
    updated_at: Date;
  };
  workflow_versions: {
    id: string;
    tenant_id: string;
    workflow_id: string;
    version: number;
    description: string | null;
    definition: JsonColumn;
    created_by: string;
    created_at: Date;
  };
  workflow_version_assets: {
    id: string;
    tenant_id: string;
    version_id: string;
    asset_id: string;
    role: 'input' | 'output';
  };
  workflow_executions: {
    id: string;
    tenant_id: string;
    workflow_id: string;
    workflow_tenant_id: string;
    version_id: string;
    version: number;
    state: string;
    parameters: JsonColumn;
    error_message: string | null;
    run_id: string | null;
    created_at: Date;
    started_at: Date | null;
    completed_at: Date | null;
  };
  openlineage_events: {
    id: string;
    tenant_id: string;
    run_id: string;
    event_type: string;
    event_time: Date;
    execution_id: string;
    received_at: Date;
  };
}

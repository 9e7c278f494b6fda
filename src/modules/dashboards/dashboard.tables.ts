/**
 * The tables of this module that Kysely's builder reads, as the database names them. Instants are
 * strings: the ORM's connection leaves timestamptz as PostgreSQL's text.
 */
export interface DashboardTables {
  dashboards: {
    id: string;
    tenant_id: string;
    name: string;
    description: string | null;
    project_id: string | null;
    layout: unknown;
    filters: unknown;
    owner_id: string;
    is_public: boolean;
    allowed_viewers: string[];
    version: number;
    created_at: string;
    updated_at: string;
    updated_by: string;
    deleted_at: string | null;
    deleted_by: string | null;
  };
  dashboard_versions: {
    id: string;
    tenant_id: string;
    dashboard_id: string;
    version: number;
    snapshot: unknown;
    widget_list_hash: string;
    saved_by: string;
    saved_at: string;
    replaced_by: string;
    replaced_at: string;
  };
}

import { Migration } from '@mikro-orm/migrations';

/** Every tenant table keyed by `id` alone until now. */
const TENANT_TABLES = [
  'asset_dependencies',
  'assets',
  'audit_entries',
  'dashboard_user_configs',
  'dashboard_versions',
  'dashboard_widget_contents',
  'dashboard_widget_lists',
  'dashboards',
  'execution_reviews',
  'idempotency_keys',
  'lessons',
  'openlineage_events',
  'patterns',
  'projects',
  'saved_queries',
  'schema_configs',
  'task_approvals',
  'task_artifacts',
  'task_dependencies',
  'task_executions',
  'tasks',
  'widgets',
  'workflow_executions',
  'workflow_version_assets',
  'workflow_versions',
  'workflows',
];

/** The tables whose unique (tenant_id, id) was the target of their children's foreign keys: the new primary key replaces it. */
const WITH_TENANT_ID_KEY = [
  'assets',
  'dashboards',
  'projects',
  'saved_queries',
  'task_executions',
  'tasks',
  'widgets',
  'workflow_executions',
  'workflow_versions',
  'workflows',
];

/**
 * Every foreign key onto a (tenant_id, id), as it stands: each depends on its parent's unique
 * (tenant_id, id), so it is dropped before that key and recreated unchanged on the new primary key.
 * Columns of the child, the parent, and the ON DELETE action (NO ACTION when absent).
 */
const FOREIGN_KEYS: [table: string, name: string, columns: string, parent: string, onDelete?: string][] = [
  ['asset_dependencies', 'asset_dependencies_downstream_fk', 'tenant_id, downstream_id', 'assets', 'cascade'],
  ['asset_dependencies', 'asset_dependencies_upstream_fk', 'upstream_tenant_id, upstream_id', 'assets', 'cascade'],
  ['asset_dependencies', 'asset_dependencies_workflow_fk', 'tenant_id, workflow_id', 'workflows', 'cascade'],
  ['dashboard_user_configs', 'dashboard_user_configs_dashboard_fk', 'tenant_id, dashboard_id', 'dashboards', 'cascade'],
  ['dashboard_versions', 'dashboard_versions_dashboard_fk', 'tenant_id, dashboard_id', 'dashboards', 'cascade'],
  ['dashboard_widget_contents', 'dashboard_widget_contents_dashboard_fk', 'tenant_id, dashboard_id', 'dashboards', 'cascade'],
  ['dashboard_widget_lists', 'dashboard_widget_lists_dashboard_fk', 'tenant_id, dashboard_id', 'dashboards', 'cascade'],
  ['dashboards', 'dashboards_project_fk', 'tenant_id, project_id', 'projects'],
  ['execution_reviews', 'execution_reviews_execution_fk', 'tenant_id, execution_id', 'task_executions', 'cascade'],
  // Only the task reference is cleared: tenant_id is part of the key and of the row, never null.
  ['lessons', 'lessons_task_fk', 'tenant_id, task_id', 'tasks', 'set null (task_id)'],
  ['openlineage_events', 'openlineage_events_execution_fk', 'tenant_id, execution_id', 'workflow_executions', 'cascade'],
  ['task_approvals', 'task_approvals_task_fk', 'tenant_id, task_id', 'tasks', 'cascade'],
  ['task_artifacts', 'task_artifacts_execution_fk', 'tenant_id, execution_id', 'task_executions'],
  ['task_artifacts', 'task_artifacts_task_fk', 'tenant_id, task_id', 'tasks', 'cascade'],
  ['task_dependencies', 'task_dependencies_depends_on_fk', 'tenant_id, depends_on_id', 'tasks'],
  ['task_dependencies', 'task_dependencies_task_fk', 'tenant_id, task_id', 'tasks', 'cascade'],
  ['task_executions', 'task_executions_task_fk', 'tenant_id, task_id', 'tasks', 'cascade'],
  ['tasks', 'tasks_project_fk', 'tenant_id, project_id', 'projects'],
  ['widgets', 'widgets_dashboard_fk', 'tenant_id, dashboard_id', 'dashboards', 'cascade'],
  ['widgets', 'widgets_saved_query_fk', 'tenant_id, saved_query_id', 'saved_queries'],
  ['workflow_executions', 'workflow_executions_version_fk', 'workflow_tenant_id, version_id', 'workflow_versions', 'cascade'],
  ['workflow_executions', 'workflow_executions_workflow_fk', 'workflow_tenant_id, workflow_id', 'workflows', 'cascade'],
  ['workflow_version_assets', 'workflow_version_assets_asset_fk', 'tenant_id, asset_id', 'assets'],
  ['workflow_version_assets', 'workflow_version_assets_version_fk', 'tenant_id, version_id', 'workflow_versions', 'cascade'],
  ['workflow_versions', 'workflow_versions_workflow_fk', 'tenant_id, workflow_id', 'workflows', 'cascade'],
];

/**
 * Citus-ready keys (ADR 0009): every tenant table's primary key becomes (tenant_id, id), the key Citus
 * can distribute by tenant, and replaces the unique (tenant_id, id) its children referenced. Every
 * other unique key and foreign key already includes tenant_id. The ORM still knows rows by `id`.
 * Constraint changes only: no row is rewritten and no row trigger fires, so the audit trail records
 * nothing. The way down restores primary keys on `id` alone, which holds while ids stay unique across
 * tenants (UUIDv7, never chosen by a client).
 */
export class Migration20261201202122_citus_ready_keys extends Migration {
  override name = 'Migration20261201202122_citus_ready_keys';

  override up(): void | Promise<void> {
    this.dropForeignKeys();
    for (const table of TENANT_TABLES) {
      this.addSql(`alter table "${table}" drop constraint "${table}_pkey";`);
      if (WITH_TENANT_ID_KEY.includes(table)) {
        this.addSql(`alter table "${table}" drop constraint "${table}_tenant_id_key";`);
      }
      this.addSql(`alter table "${table}" add constraint "${table}_pkey" primary key ("tenant_id", "id");`);
    }
    this.addForeignKeys();
  }

  override down(): void | Promise<void> {
    this.dropForeignKeys();
    for (const table of TENANT_TABLES) {
      this.addSql(`alter table "${table}" drop constraint "${table}_pkey";`);
      this.addSql(`alter table "${table}" add constraint "${table}_pkey" primary key ("id");`);
      if (WITH_TENANT_ID_KEY.includes(table)) {
        this.addSql(`alter table "${table}" add constraint "${table}_tenant_id_key" unique ("tenant_id", "id");`);
      }
    }
    this.addForeignKeys();
  }

  private dropForeignKeys(): void {
    for (const [table, name] of FOREIGN_KEYS) {
      this.addSql(`alter table "${table}" drop constraint "${name}";`);
    }
  }

  /**
   * Checking existing rows against a parent reads the parent under its row-level security, which binds
   * the owner too (FORCE) and would hide every tenant's rows: the parents' FORCE is lifted while the
   * keys are checked, within this migration's transaction, so no other session ever sees it lifted.
   */
  private addForeignKeys(): void {
    const parents = [...new Set(FOREIGN_KEYS.map(([, , , parent]) => parent))];
    for (const parent of parents) {
      this.addSql(`alter table "${parent}" no force row level security;`);
    }
    for (const [table, name, columns, parent, onDelete] of FOREIGN_KEYS) {
      const action = onDelete ? ` on delete ${onDelete}` : '';
      this.addSql(`alter table "${table}" add constraint "${name}" foreign key (${columns}) references "${parent}" (tenant_id, id)${action};`);
    }
    for (const parent of parents) {
      this.addSql(`alter table "${parent}" force row level security;`);
    }
  }
}

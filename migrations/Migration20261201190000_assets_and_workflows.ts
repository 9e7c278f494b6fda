import { Migration } from '@mikro-orm/migrations';

/** The new tables, their audit resource types and capture options (see audit_capture in the audit migration). */
const AUDITED_TABLES = [
  ['assets', 'asset'],
  ['asset_dependencies', 'asset_dependency'],
  ['workflows', 'workflow'],
  ['workflow_versions', 'workflow_version'],
  ['workflow_version_assets', 'workflow_version_asset'],
  ['workflow_executions', 'workflow_execution', 'state=transition'],
  ['openlineage_events', 'openlineage_event'],
];

/** The tenant id of global catalogue entries, GLOBAL_TENANT_ID of src/platform/tenancy/global-catalogue.ts as this migration lands. */
const GLOBAL = `E'\\x1Fglobal'`;
/** The tables whose rows may be global catalogue entries (edges: between global assets only). */
const GLOBAL_TABLES = ['assets', 'asset_dependencies', 'workflows', 'workflow_versions', 'workflow_version_assets'];

/**
 * Data assets with typed dependencies, versioned workflows with their declared inputs and outputs,
 * workflow executions and the OpenLineage run events applied to them (issue 12), on the platform's
 * rules: forced row-level security, composite tenant keys, the audit trigger and the storage account
 * on every table; and the global catalogue's read-only policies (ADR 0006).
 */
export class Migration20261201190000_assets_and_workflows extends Migration {

  override name = 'Migration20261201190000_assets_and_workflows';

  override up(): void | Promise<void> {
    this.addSql(`create table "assets" ("id" uuid not null, "tenant_id" text not null, "name" text not null, "description" text null, "asset_type" text not null, "owner" text null, "tags" text[] not null, "metadata" jsonb null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, primary key ("id"));`);
    this.addSql(`create index "assets_tenant_owner_created_idx" on "assets" ("tenant_id", "owner", "created_at", "id");`);
    this.addSql(`create index "assets_tenant_type_created_idx" on "assets" ("tenant_id", "asset_type", "created_at", "id");`);
    this.addSql(`create index "assets_tenant_created_idx" on "assets" ("tenant_id", "created_at", "id");`);
    this.addSql(`alter table "assets" add constraint "assets_tenant_name_key" unique ("tenant_id", "name");`);
    this.addSql(`alter table "assets" add constraint "assets_tenant_id_key" unique ("tenant_id", "id");`);

    this.addSql(`create table "asset_dependencies" ("id" uuid not null, "tenant_id" text not null, "upstream_id" uuid not null, "upstream_tenant_id" text not null, "downstream_id" uuid not null, "type" text not null, "workflow_id" uuid null, "created_at" timestamptz(3) not null, primary key ("id"));`);
    this.addSql(`create index "asset_dependencies_tenant_workflow_idx" on "asset_dependencies" ("tenant_id", "workflow_id");`);
    this.addSql(`create index "asset_dependencies_tenant_upstream_idx" on "asset_dependencies" ("tenant_id", "upstream_id", "type", "downstream_id");`);
    this.addSql(`create index "asset_dependencies_tenant_downstream_idx" on "asset_dependencies" ("tenant_id", "downstream_id", "type", "upstream_id");`);

    this.addSql(`create table "workflows" ("id" uuid not null, "tenant_id" text not null, "name" text not null, "latest_version" int not null default 1, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, primary key ("id"));`);
    this.addSql(`create index "workflows_tenant_created_idx" on "workflows" ("tenant_id", "created_at", "id");`);
    this.addSql(`alter table "workflows" add constraint "workflows_tenant_name_key" unique ("tenant_id", "name");`);
    this.addSql(`alter table "workflows" add constraint "workflows_tenant_id_key" unique ("tenant_id", "id");`);

    this.addSql(`create table "workflow_executions" ("id" uuid not null, "tenant_id" text not null, "workflow_id" uuid not null, "workflow_tenant_id" text not null, "version_id" uuid not null, "version" int not null, "state" text not null default 'pending', "parameters" jsonb null, "error_message" text null, "run_id" uuid null, "created_at" timestamptz(3) not null, "started_at" timestamptz(3) null, "completed_at" timestamptz(3) null, primary key ("id"));`);
    this.addSql(`create index "workflow_executions_tenant_state_workflow_idx" on "workflow_executions" ("tenant_id", "state", "workflow_id");`);
    this.addSql(`create index "workflow_executions_tenant_workflow_created_idx" on "workflow_executions" ("tenant_id", "workflow_id", "created_at", "id");`);
    this.addSql(`alter table "workflow_executions" add constraint "workflow_executions_tenant_id_key" unique ("tenant_id", "id");`);
    this.addSql(`alter table "workflow_executions" add constraint "workflow_executions_tenant_run_key" unique ("tenant_id", "run_id");`);

    this.addSql(`create table "openlineage_events" ("id" uuid not null, "tenant_id" text not null, "run_id" uuid not null, "event_type" text not null, "event_time" timestamptz not null, "execution_id" uuid not null, "received_at" timestamptz(3) not null, primary key ("id"));`);
    this.addSql(`alter table "openlineage_events" add constraint "openlineage_events_tenant_event_key" unique ("tenant_id", "run_id", "event_type", "event_time");`);

    this.addSql(`create table "workflow_versions" ("id" uuid not null, "tenant_id" text not null, "workflow_id" uuid not null, "version" int not null, "description" text null, "definition" jsonb not null, "created_by" text not null, "created_at" timestamptz(3) not null, primary key ("id"));`);
    this.addSql(`alter table "workflow_versions" add constraint "workflow_versions_tenant_workflow_version_key" unique ("tenant_id", "workflow_id", "version");`);
    this.addSql(`alter table "workflow_versions" add constraint "workflow_versions_tenant_id_key" unique ("tenant_id", "id");`);

    this.addSql(`create table "workflow_version_assets" ("id" uuid not null, "tenant_id" text not null, "version_id" uuid not null, "asset_id" uuid not null, "role" text not null, primary key ("id"));`);
    this.addSql(`create index "workflow_version_assets_tenant_asset_idx" on "workflow_version_assets" ("tenant_id", "asset_id");`);
    this.addSql(`alter table "workflow_version_assets" add constraint "workflow_version_assets_tenant_entry_key" unique ("tenant_id", "version_id", "role", "asset_id");`);

    this.addSql(`alter table "assets" enable row level security;`);
    this.addSql(`alter table "assets" force row level security;`);
    this.addSql(`create policy "tenant_isolation" on "assets" using (tenant_id = current_setting('app.tenant_id', true)) with check (tenant_id = current_setting('app.tenant_id', true));`);

    this.addSql(`alter table "asset_dependencies" add constraint "asset_dependencies_no_self_edge_check" check (upstream_id <> downstream_id);`);
    this.addSql(`alter table "asset_dependencies" add constraint "asset_dependencies_type_check" check ("type" in ('data', 'metadata', 'control'));`);
    this.addSql(`alter table "asset_dependencies" enable row level security;`);
    this.addSql(`alter table "asset_dependencies" force row level security;`);
    this.addSql(`create policy "tenant_isolation" on "asset_dependencies" using (tenant_id = current_setting('app.tenant_id', true)) with check (tenant_id = current_setting('app.tenant_id', true));`);

    this.addSql(`alter table "workflows" add constraint "workflows_latest_version_check" check (latest_version >= 1);`);
    this.addSql(`alter table "workflows" enable row level security;`);
    this.addSql(`alter table "workflows" force row level security;`);
    this.addSql(`create policy "tenant_isolation" on "workflows" using (tenant_id = current_setting('app.tenant_id', true)) with check (tenant_id = current_setting('app.tenant_id', true));`);

    this.addSql(`alter table "workflow_executions" add constraint "workflow_executions_state_check" check ("state" in ('pending', 'running', 'succeeded', 'failed', 'cancelled'));`);
    this.addSql(`alter table "workflow_executions" enable row level security;`);
    this.addSql(`alter table "workflow_executions" force row level security;`);
    this.addSql(`create policy "tenant_isolation" on "workflow_executions" using (tenant_id = current_setting('app.tenant_id', true)) with check (tenant_id = current_setting('app.tenant_id', true));`);

    this.addSql(`alter table "openlineage_events" enable row level security;`);
    this.addSql(`alter table "openlineage_events" force row level security;`);
    this.addSql(`create policy "tenant_isolation" on "openlineage_events" using (tenant_id = current_setting('app.tenant_id', true)) with check (tenant_id = current_setting('app.tenant_id', true));`);

    this.addSql(`alter table "workflow_versions" enable row level security;`);
    this.addSql(`alter table "workflow_versions" force row level security;`);
    this.addSql(`create policy "tenant_isolation" on "workflow_versions" using (tenant_id = current_setting('app.tenant_id', true)) with check (tenant_id = current_setting('app.tenant_id', true));`);

    this.addSql(`alter table "workflow_version_assets" add constraint "workflow_version_assets_role_check" check ("role" in ('input', 'output'));`);
    this.addSql(`alter table "workflow_version_assets" enable row level security;`);
    this.addSql(`alter table "workflow_version_assets" force row level security;`);
    this.addSql(`create policy "tenant_isolation" on "workflow_version_assets" using (tenant_id = current_setting('app.tenant_id', true)) with check (tenant_id = current_setting('app.tenant_id', true));`);

    // Written by hand (the snapshot does not know these; generated diffs leave them alone).
    // - Each pair and type declared once by clients, and once per workflow that derives it.
    this.addSql(`alter table "asset_dependencies" add constraint "asset_dependencies_tenant_edge_key" unique nulls not distinct ("tenant_id", "upstream_id", "downstream_id", "type", "workflow_id");`);
    // - Children reference their parents together with the tenant, so no row can point into another
    //   tenant; an edge's upstream asset is the edge tenant's own or a global catalogue entry (ADR 0006).
    //   An asset's edges go with it; an asset a workflow version declares cannot be deleted.
    this.addSql(`alter table "asset_dependencies" add constraint "asset_dependencies_upstream_tenant_check" check (upstream_tenant_id in (tenant_id, ${GLOBAL}));`);
    this.addSql(`alter table "asset_dependencies" add constraint "asset_dependencies_upstream_fk" foreign key ("upstream_tenant_id", "upstream_id") references "assets" ("tenant_id", "id") on delete cascade;`);
    this.addSql(`alter table "asset_dependencies" add constraint "asset_dependencies_downstream_fk" foreign key ("tenant_id", "downstream_id") references "assets" ("tenant_id", "id") on delete cascade;`);
    this.addSql(`alter table "asset_dependencies" add constraint "asset_dependencies_workflow_fk" foreign key ("tenant_id", "workflow_id") references "workflows" ("tenant_id", "id") on delete cascade;`);
    this.addSql(`alter table "workflow_versions" add constraint "workflow_versions_workflow_fk" foreign key ("tenant_id", "workflow_id") references "workflows" ("tenant_id", "id") on delete cascade;`);
    this.addSql(`alter table "workflow_version_assets" add constraint "workflow_version_assets_version_fk" foreign key ("tenant_id", "version_id") references "workflow_versions" ("tenant_id", "id") on delete cascade;`);
    this.addSql(`alter table "workflow_version_assets" add constraint "workflow_version_assets_asset_fk" foreign key ("tenant_id", "asset_id") references "assets" ("tenant_id", "id");`);
    //   An execution is the tenant's own; the workflow (and version) it runs is the tenant's or a global
    //   catalogue template (ADR 0006). The catalogue tool removes tenants' executions of a template in
    //   each tenant's name before the template goes, so the cascade only ever meets the tenant's own.
    this.addSql(`alter table "workflow_executions" add constraint "workflow_executions_workflow_tenant_check" check (workflow_tenant_id in (tenant_id, ${GLOBAL}));`);
    this.addSql(`alter table "workflow_executions" add constraint "workflow_executions_workflow_fk" foreign key ("workflow_tenant_id", "workflow_id") references "workflows" ("tenant_id", "id") on delete cascade;`);
    this.addSql(`alter table "workflow_executions" add constraint "workflow_executions_version_fk" foreign key ("workflow_tenant_id", "version_id") references "workflow_versions" ("tenant_id", "id") on delete cascade;`);
    this.addSql(`create index "workflow_executions_workflow_idx" on "workflow_executions" ("workflow_tenant_id", "workflow_id");`);
    this.addSql(`create index "workflow_executions_version_idx" on "workflow_executions" ("workflow_tenant_id", "version_id");`);
    this.addSql(`alter table "openlineage_events" add constraint "openlineage_events_execution_fk" foreign key ("tenant_id", "execution_id") references "workflow_executions" ("tenant_id", "id") on delete cascade;`);
    this.addSql(`create index "openlineage_events_tenant_execution_idx" on "openlineage_events" ("tenant_id", "execution_id");`);
    // - The tag filter of the asset list (containment).
    this.addSql(`create index "assets_tenant_tags_idx" on "assets" using gin ("tenant_id", "tags");`);
    // - Global catalogue entries (ADR 0006): every tenant reads them; the runtime role writes none,
    //   whatever app.tenant_id says. Only the schema owner (npm run catalog) manages them.
    for (const table of GLOBAL_TABLES) {
      this.addSql(`create policy "global_read" on "${table}" for select using (tenant_id = ${GLOBAL});`);
      this.addSql(`create policy "global_insert_refused" on "${table}" as restrictive for insert to tessera_runtime with check (tenant_id <> ${GLOBAL});`);
      this.addSql(`create policy "global_update_refused" on "${table}" as restrictive for update to tessera_runtime using (tenant_id <> ${GLOBAL}) with check (tenant_id <> ${GLOBAL});`);
      this.addSql(`create policy "global_delete_refused" on "${table}" as restrictive for delete to tessera_runtime using (tenant_id <> ${GLOBAL});`);
    }
    // - The catalogue tool (the schema owner, never the runtime role) lists which tenants' edges point
    //   at a global asset, to delete them in each tenant's name before the asset goes.
    this.addSql(`create policy "catalog_edges_onto_global" on "asset_dependencies" for select to current_user using (upstream_tenant_id = ${GLOBAL});`);
    //   Likewise the tenants' executions of a global workflow template.
    this.addSql(`create policy "catalog_executions_of_global" on "workflow_executions" for select to current_user using (workflow_tenant_id = ${GLOBAL});`);
    for (const [table, ...args] of AUDITED_TABLES) {
      this.addSql(`create trigger audit_capture after insert or update or delete on "${table}" for each row execute function audit_capture(${args.map((arg) => `'${arg}'`).join(', ')});`);
      this.addSql(`create trigger "storage_account" after insert or update or delete on "${table}" for each row execute function storage_account();`);
    }
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "assets" cascade;`);
    this.addSql(`drop table if exists "asset_dependencies" cascade;`);
    this.addSql(`drop table if exists "workflows" cascade;`);
    this.addSql(`drop table if exists "workflow_executions" cascade;`);
    this.addSql(`drop table if exists "workflow_versions" cascade;`);
    this.addSql(`drop table if exists "workflow_version_assets" cascade;`);
    this.addSql(`drop table if exists "openlineage_events" cascade;`);
  }

}

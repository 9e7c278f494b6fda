import { Migration } from '@mikro-orm/migrations';

/** Audited tables, resource types and capture options (see audit_capture in the audit migration). */
const AUDITED_TABLES = [
  ['dashboards', 'dashboard', 'deleted_at=trash/restore'],
  ['widgets', 'widget'],
  ['dashboard_user_configs', 'dashboard_config'],
  ['saved_queries', 'saved_query'],
  ['schema_configs', 'schema_config'],
];

export class Migration20261123142718_dashboards extends Migration {

  override name = 'Migration20261123142718_dashboards';

  override up(): void | Promise<void> {
    this.addSql(`create table "dashboards" ("id" uuid not null, "tenant_id" text not null, "name" text not null, "description" text null, "layout" jsonb not null, "filters" jsonb not null, "owner_id" text not null, "is_public" boolean not null default false, "allowed_viewers" text[] not null, "version" int not null default 1, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, "updated_by" text not null, "deleted_at" timestamptz(3) null, "deleted_by" text null, primary key ("id"));`);
    this.addSql(`create index "dashboards_tenant_deleted_idx" on "dashboards" ("tenant_id", "deleted_at", "id");`);
    this.addSql(`create index "dashboards_tenant_created_idx" on "dashboards" ("tenant_id", "created_at", "id");`);
    this.addSql(`alter table "dashboards" add constraint "dashboards_tenant_id_key" unique ("tenant_id", "id");`);

    this.addSql(`create table "dashboard_user_configs" ("id" uuid not null, "tenant_id" text not null, "dashboard_id" uuid not null, "user_id" text not null, "chart_customizations" jsonb not null, "theme" text null, "layout" jsonb null, "filters" jsonb not null, "version" int not null default 1, "dashboard_version" int not null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, primary key ("id"));`);
    this.addSql(`alter table "dashboard_user_configs" add constraint "dashboard_user_configs_tenant_dashboard_user_key" unique ("tenant_id", "dashboard_id", "user_id");`);

    this.addSql(`create table "dashboard_versions" ("id" uuid not null, "tenant_id" text not null, "dashboard_id" uuid not null, "version" int not null, "snapshot" jsonb not null, "saved_by" text not null, "saved_at" timestamptz(3) not null, "replaced_by" text not null, "replaced_at" timestamptz(3) not null, primary key ("id"));`);
    this.addSql(`alter table "dashboard_versions" add constraint "dashboard_versions_tenant_dashboard_version_key" unique ("tenant_id", "dashboard_id", "version");`);

    this.addSql(`create table "saved_queries" ("id" uuid not null, "tenant_id" text not null, "name" text not null, "description" text null, "query" jsonb not null, "owner_id" text not null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, primary key ("id"));`);
    this.addSql(`create index "saved_queries_tenant_created_idx" on "saved_queries" ("tenant_id", "created_at", "id");`);
    this.addSql(`alter table "saved_queries" add constraint "saved_queries_tenant_name_key" unique ("tenant_id", "name");`);
    this.addSql(`alter table "saved_queries" add constraint "saved_queries_tenant_id_key" unique ("tenant_id", "id");`);

    this.addSql(`create table "schema_configs" ("id" uuid not null, "tenant_id" text not null, "tables" jsonb not null, "version" int not null default 1, "updated_by" text not null, "updated_at" timestamptz(3) not null, primary key ("id"));`);
    this.addSql(`alter table "schema_configs" add constraint "schema_configs_tenant_key" unique ("tenant_id");`);

    this.addSql(`create table "widgets" ("id" uuid not null, "tenant_id" text not null, "dashboard_id" uuid not null, "type" text not null, "title" text not null, "query" jsonb null, "saved_query_id" uuid null, "x" int not null, "y" int not null, "w" int not null, "h" int not null, "config" jsonb not null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, primary key ("id"));`);
    this.addSql(`create index "widgets_tenant_saved_query_idx" on "widgets" ("tenant_id", "saved_query_id");`);
    this.addSql(`create index "widgets_tenant_dashboard_position_idx" on "widgets" ("tenant_id", "dashboard_id", "y", "x", "id");`);
    this.addSql(`alter table "widgets" add constraint "widgets_tenant_id_key" unique ("tenant_id", "id");`);

    this.addSql(`alter table "dashboards" add constraint "dashboards_version_check" check (version >= 1);`);
    this.addSql(`alter table "dashboards" enable row level security;`);
    this.addSql(`alter table "dashboards" force row level security;`);
    this.addSql(`create policy "tenant_isolation" on "dashboards" using (tenant_id = current_setting('app.tenant_id', true)) with check (tenant_id = current_setting('app.tenant_id', true));`);

    this.addSql(`alter table "dashboard_user_configs" enable row level security;`);
    this.addSql(`alter table "dashboard_user_configs" force row level security;`);
    this.addSql(`create policy "tenant_isolation" on "dashboard_user_configs" using (tenant_id = current_setting('app.tenant_id', true)) with check (tenant_id = current_setting('app.tenant_id', true));`);

    this.addSql(`alter table "dashboard_versions" enable row level security;`);
    this.addSql(`alter table "dashboard_versions" force row level security;`);
    this.addSql(`create policy "tenant_isolation" on "dashboard_versions" using (tenant_id = current_setting('app.tenant_id', true)) with check (tenant_id = current_setting('app.tenant_id', true));`);

    this.addSql(`alter table "saved_queries" enable row level security;`);
    this.addSql(`alter table "saved_queries" force row level security;`);
    this.addSql(`create policy "tenant_isolation" on "saved_queries" using (tenant_id = current_setting('app.tenant_id', true)) with check (tenant_id = current_setting('app.tenant_id', true));`);

    this.addSql(`alter table "schema_configs" enable row level security;`);
    this.addSql(`alter table "schema_configs" force row level security;`);
    this.addSql(`create policy "tenant_isolation" on "schema_configs" using (tenant_id = current_setting('app.tenant_id', true)) with check (tenant_id = current_setting('app.tenant_id', true));`);

    this.addSql(`alter table "widgets" add constraint "widgets_position_check" check (x >= 0 and y >= 0 and w >= 1 and h >= 1);`);
    this.addSql(`alter table "widgets" add constraint "widgets_query_check" check ((type = 'text') = (query is null));`);
    this.addSql(`alter table "widgets" add constraint "widgets_type_check" check ("type" in ('metric', 'table', 'bar_chart', 'line_chart', 'area_chart', 'pie_chart', 'scatter_chart', 'text'));`);
    this.addSql(`alter table "widgets" enable row level security;`);
    this.addSql(`alter table "widgets" force row level security;`);
    this.addSql(`create policy "tenant_isolation" on "widgets" using (tenant_id = current_setting('app.tenant_id', true)) with check (tenant_id = current_setting('app.tenant_id', true));`);

    // Written by hand (MikroORM does not model these; the snapshot does not know them, so later
    // generated diffs leave them alone):
    // - a name is unique among a tenant's live dashboards, case-insensitively: trash frees it, and
    //   restoring from the trash fails (409) if a live dashboard has taken it meanwhile;
    this.addSql(`create unique index "dashboards_tenant_live_name_key" on "dashboards" ("tenant_id", lower("name")) where "deleted_at" is null;`);
    this.addSql(`alter table "dashboard_user_configs" add constraint "dashboard_user_configs_version_check" check (version >= 1 and dashboard_version >= 1);`);
    this.addSql(`alter table "schema_configs" add constraint "schema_configs_version_check" check (version >= 1);`);
    // - children reference their parent together with its tenant, so no row can point into another
    //   tenant; a dashboard deleted for good takes its widgets, history and configs with it, and a
    //   deleted saved query only clears the widgets' reference (they keep their own query);
    this.addSql(`alter table "widgets" add constraint "widgets_dashboard_fk" foreign key ("tenant_id", "dashboard_id") references "dashboards" ("tenant_id", "id") on delete cascade;`);
    this.addSql(`alter table "widgets" add constraint "widgets_saved_query_fk" foreign key ("tenant_id", "saved_query_id") references "saved_queries" ("tenant_id", "id");`);
    this.addSql(`alter table "dashboard_versions" add constraint "dashboard_versions_dashboard_fk" foreign key ("tenant_id", "dashboard_id") references "dashboards" ("tenant_id", "id") on delete cascade;`);
    this.addSql(`alter table "dashboard_user_configs" add constraint "dashboard_user_configs_dashboard_fk" foreign key ("tenant_id", "dashboard_id") references "dashboards" ("tenant_id", "id") on delete cascade;`);
    // - the runtime role gets only what the application does: history is append-only (versions are
    //   inserted and read, never changed); versions and per-user configs are deleted only by the
    //   cascades above (which run with the table owner's rights), and a tenant's schema
    //   configuration is replaced, never deleted.
    this.addSql(`revoke update, delete on "dashboard_versions" from tessera_runtime;`);
    this.addSql(`revoke delete on "dashboard_user_configs" from tessera_runtime;`);
    this.addSql(`revoke delete on "schema_configs" from tessera_runtime;`);
    // - the schema owner's maintenance job (never the runtime role) lists the tenants with trash;
    this.addSql(`create policy "maintenance_tenant_list" on "dashboards" for select to current_user using (true);`);
    // - every change is audited (see the audit migration); history rows are not resources of their
    //   own: each is written by a dashboard change that is itself audited.
    for (const [table, ...args] of AUDITED_TABLES) {
      this.addSql(`create trigger audit_capture after insert or update or delete on "${table}" for each row execute function audit_capture(${args.map((arg) => `'${arg}'`).join(', ')});`);
    }
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "dashboards" cascade;`);
    this.addSql(`drop table if exists "dashboard_user_configs" cascade;`);
    this.addSql(`drop table if exists "dashboard_versions" cascade;`);
    this.addSql(`drop table if exists "saved_queries" cascade;`);
    this.addSql(`drop table if exists "schema_configs" cascade;`);
    this.addSql(`drop table if exists "widgets" cascade;`);
  }

}

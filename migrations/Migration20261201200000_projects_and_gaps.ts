import { Migration } from '@mikro-orm/migrations';

const TENANT_MATCHES = `tenant_id = current_setting('app.tenant_id', true)`;

/**
 * Projects, and the columns issue 13 adds elsewhere. Upgrades existing data so nothing is lost:
 * - every distinct free-text `projectId` of a tenant's tasks becomes a project of that name (created
 *   in the tenant's name, so the audit trail records each), and the tasks then reference it by id
 *   through a composite foreign key;
 * - a self-review written before reviews named their agent takes its execution's agent;
 * - a per-user dashboard config's theme, a string until now, becomes the theme object `{ "name": … }`;
 * - a widget of a charting type may have no query (a draft).
 */
export class Migration20261201200000_projects_and_gaps extends Migration {

  override name = 'Migration20261201200000_projects_and_gaps';

  override up(): void | Promise<void> {
    this.addSql(`create table "projects" ("id" uuid not null, "tenant_id" text not null, "name" text not null, "description" text null, "settings" jsonb not null, "archived_at" timestamptz(3) null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, primary key ("id"));`);
    this.addSql(`create index "projects_tenant_created_idx" on "projects" ("tenant_id", "created_at", "id");`);
    this.addSql(`alter table "projects" add constraint "projects_tenant_name_key" unique ("tenant_id", "name");`);
    this.addSql(`alter table "projects" add constraint "projects_tenant_id_key" unique ("tenant_id", "id");`);
    this.addSql(`alter table "projects" enable row level security;`);
    this.addSql(`alter table "projects" force row level security;`);
    this.addSql(`create policy "tenant_isolation" on "projects" using (${TENANT_MATCHES}) with check (${TENANT_MATCHES});`);
    this.addSql(`create trigger audit_capture after insert or update or delete on "projects" for each row execute function audit_capture('project');`);
    this.addSql(`create trigger "storage_account" after insert or update or delete on "projects" for each row execute function storage_account();`);

    // Tasks: free-text project ids become projects, then references to them.
    this.forEachTenantOf('tasks', `
      insert into projects (id, tenant_id, name, settings, created_at, updated_at)
      select uuidv7(), tenant, project_id, '{}', now(), now()
      from (select distinct project_id from tasks where tenant_id = tenant and project_id is not null) named;`);
    // The owner reads the projects of every tenant for this one conversion (a table rewrite, which fires no row trigger).
    this.addSql(`alter table "projects" no force row level security;`);
    this.addSql(`create function pg_temp.project_named(tenant text, project_name text) returns uuid language sql stable
      as $$ select p.id from projects p where p.tenant_id = tenant and p.name = project_name $$;`);
    this.addSql(`alter table "tasks" alter column "project_id" type uuid using pg_temp.project_named("tenant_id", "project_id");`);
    this.addSql(`drop function pg_temp.project_named(text, text);`);
    this.addSql(`alter table "projects" force row level security;`);
    this.addSql(`alter table "tasks" add constraint "tasks_project_fk" foreign key ("tenant_id", "project_id") references "projects" ("tenant_id", "id");`);
    this.addSql(`create index "tasks_tenant_project_created_idx" on "tasks" ("tenant_id", "project_id", "created_at", "id");`);

    this.addSql(`alter table "dashboards" add "project_id" uuid null;`);
    this.addSql(`alter table "dashboards" add constraint "dashboards_project_fk" foreign key ("tenant_id", "project_id") references "projects" ("tenant_id", "id");`);
    this.addSql(`create index "dashboards_tenant_project_idx" on "dashboards" ("tenant_id", "project_id", "created_at", "id");`);
    this.addSql(`create index "dashboards_tenant_owner_idx" on "dashboards" ("tenant_id", "owner_id", "created_at", "id");`);
    this.addSql(`create index "dashboards_tenant_updated_idx" on "dashboards" ("tenant_id", "updated_at", "id");`);

    this.addSql(`alter table "dashboard_user_configs" drop constraint "dashboard_user_configs_tenant_dashboard_user_key";`);
    this.addSql(`alter table "dashboard_user_configs" add "session_id" text not null default '';`);
    this.addSql(`alter table "dashboard_user_configs" alter column "theme" type jsonb using (case when "theme" is null then null else jsonb_build_object('name', "theme") end);`);
    this.addSql(`alter table "dashboard_user_configs" add constraint "dashboard_user_configs_tenant_dashboard_user_session_key" unique ("tenant_id", "dashboard_id", "user_id", "session_id");`);

    this.addSql(`alter table "execution_reviews" add "agent_type" text null;`);
    this.forEachTenantOf('execution_reviews', `
      update execution_reviews r set agent_type = e.agent_type from task_executions e
      where r.tenant_id = tenant and e.tenant_id = tenant and e.id = r.execution_id;`);
    this.addSql(`alter table "execution_reviews" alter column "agent_type" set not null;`);
    this.addSql(`alter table "execution_reviews" add constraint "execution_reviews_agent_type_check" check ("agent_type" in ('orchestrator', 'project_manager', 'architect', 'analyst', 'ui_designer', 'frontend_dev', 'backend_dev', 'tester', 'bug_fixer', 'reviewer', 'git_agent'));`);

    // A widget of a charting type may be saved without a query while it is being built (a draft); text widgets still have none.
    this.addSql(`alter table "widgets" drop constraint "widgets_query_check";`);
    this.addSql(`alter table "widgets" add constraint "widgets_query_check" check (type <> 'text' or query is null);`);
  }

  override down(): void | Promise<void> {
    // Drafts kept on the way down: the old rule holds for new rows only (not valid), nothing is deleted.
    this.addSql(`alter table "widgets" drop constraint "widgets_query_check";`);
    this.addSql(`alter table "widgets" add constraint "widgets_query_check" check ((type = 'text') = (query is null)) not valid;`);

    this.addSql(`alter table "execution_reviews" drop constraint "execution_reviews_agent_type_check";`);
    this.addSql(`alter table "execution_reviews" drop column "agent_type";`);

    this.addSql(`alter table "dashboard_user_configs" drop constraint "dashboard_user_configs_tenant_dashboard_user_session_key";`);
    // Only the shared config of each user survives: the old key has no room for per-session ones.
    this.forEachTenantOf('dashboard_user_configs', `delete from dashboard_user_configs where tenant_id = tenant and session_id <> '';`);
    this.addSql(`alter table "dashboard_user_configs" drop column "session_id";`);
    this.addSql(`alter table "dashboard_user_configs" alter column "theme" type text using (coalesce("theme" ->> 'name', "theme"::text));`);
    this.addSql(`alter table "dashboard_user_configs" add constraint "dashboard_user_configs_tenant_dashboard_user_key" unique ("tenant_id", "dashboard_id", "user_id");`);

    this.addSql(`drop index "dashboards_tenant_project_idx";`);
    this.addSql(`drop index "dashboards_tenant_owner_idx";`);
    this.addSql(`drop index "dashboards_tenant_updated_idx";`);
    this.addSql(`alter table "dashboards" drop constraint "dashboards_project_fk";`);
    this.addSql(`alter table "dashboards" drop column "project_id";`);

    // Tasks name their project as free text again.
    this.addSql(`drop index "tasks_tenant_project_created_idx";`);
    this.addSql(`alter table "tasks" drop constraint "tasks_project_fk";`);
    this.addSql(`alter table "projects" no force row level security;`);
    this.addSql(`create function pg_temp.project_name(tenant text, project uuid) returns text language sql stable
      as $$ select p.name from projects p where p.tenant_id = tenant and p.id = project $$;`);
    this.addSql(`alter table "tasks" alter column "project_id" type text using pg_temp.project_name("tenant_id", "project_id");`);
    this.addSql(`drop function pg_temp.project_name(text, uuid);`);
    this.addSql(`drop table "projects";`);
  }

  /**
   * Runs `statement` once per tenant with rows in `table`, as that tenant (row-level security binds
   * the owner too, and the audit trail records each change in the tenant's own chain). `tenant` names
   * the tenant inside the statement. The owner lists the tenants with the table's RLS lifted for that
   * one read.
   */
  private forEachTenantOf(table: string, statement: string): void {
    this.addSql(`alter table "${table}" no force row level security;`);
    this.addSql(`do $$
      declare tenant text;
      begin
        for tenant in select distinct t.tenant_id from "${table}" t loop
          perform set_config('app.tenant_id', tenant, true);
          ${statement.trim()}
        end loop;
        perform set_config('app.tenant_id', '', true);
      end
    $$;`);
    this.addSql(`alter table "${table}" force row level security;`);
  }

}

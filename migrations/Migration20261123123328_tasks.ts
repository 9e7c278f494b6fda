import { Migration } from '@mikro-orm/migrations';

export class Migration20261123123328_tasks extends Migration {

  override name = 'Migration20261123123328_tasks';

  override up(): void | Promise<void> {
    this.addSql(`create table "tasks" ("id" uuid not null, "tenant_id" text not null, "project_id" text null, "user_id" text not null, "prompt" text not null, "state" text not null default 'pending', "current_agent" text null, "config" jsonb not null, "result" jsonb null, "error" jsonb null, "metadata" jsonb not null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, "completed_at" timestamptz(3) null, primary key ("id"));`);
    this.addSql(`create index "tasks_tenant_created_idx" on "tasks" ("tenant_id", "created_at", "id");`);
    this.addSql(`alter table "tasks" add constraint "tasks_tenant_id_key" unique ("tenant_id", "id");`);

    this.addSql(`alter table "tasks" add constraint "tasks_state_check" check ("state" in ('pending', 'running', 'awaiting_approval', 'completed', 'failed', 'cancelled'));`);
    this.addSql(`alter table "tasks" add constraint "tasks_current_agent_check" check ("current_agent" in ('orchestrator', 'project_manager', 'architect', 'analyst', 'ui_designer', 'frontend_dev', 'backend_dev', 'tester', 'bug_fixer', 'reviewer', 'git_agent'));`);
    this.addSql(`alter table "tasks" enable row level security;`);
    this.addSql(`alter table "tasks" force row level security;`);
    this.addSql(`create policy "tenant_isolation" on "tasks" using (tenant_id = current_setting('app.tenant_id', true)) with check (tenant_id = current_setting('app.tenant_id', true));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "tasks" cascade;`);
  }

}

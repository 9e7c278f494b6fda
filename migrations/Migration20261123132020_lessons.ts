import { Migration } from '@mikro-orm/migrations';

export class Migration20261123132020_lessons extends Migration {

  override name = 'Migration20261123132020_lessons';

  override up(): void | Promise<void> {
    // Trusted extensions (the database owner may create them): trigram matching, and B-tree
    // operator classes in GIN so that indexes can lead with tenant_id.
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`create extension if not exists btree_gin;`);
    this.addSql(`create table "lessons" ("id" uuid not null, "tenant_id" text not null, "category" text not null, "title" text not null, "summary" text not null, "details" text null, "tags" text[] not null, "source_agent" text null, "task_id" uuid null, "confidence" double precision not null default 0.5, "application_count" int not null default 0, "success_rate" double precision null, "human_validated" boolean not null default false, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, primary key ("id"));`);
    this.addSql(`create index "lessons_tenant_applications_idx" on "lessons" ("tenant_id", "application_count", "id");`);
    this.addSql(`create index "lessons_tenant_confidence_idx" on "lessons" ("tenant_id", "confidence", "id");`);
    this.addSql(`create index "lessons_tenant_created_idx" on "lessons" ("tenant_id", "created_at", "id");`);

    this.addSql(`create table "patterns" ("id" uuid not null, "tenant_id" text not null, "type" text not null, "agent_type" text null, "pattern" jsonb not null, "frequency" int not null default 1, "last_seen" timestamptz(3) not null, "created_at" timestamptz(3) not null, primary key ("id"));`);
    this.addSql(`create index "patterns_tenant_last_seen_idx" on "patterns" ("tenant_id", "last_seen", "id");`);
    this.addSql(`create index "patterns_tenant_frequency_idx" on "patterns" ("tenant_id", "frequency", "id");`);

    this.addSql(`alter table "lessons" add constraint "lessons_confidence_check" check (confidence between 0 and 1);`);
    this.addSql(`alter table "lessons" add constraint "lessons_source_agent_check" check ("source_agent" in ('orchestrator', 'project_manager', 'architect', 'analyst', 'ui_designer', 'frontend_dev', 'backend_dev', 'tester', 'bug_fixer', 'reviewer', 'git_agent'));`);
    this.addSql(`alter table "lessons" enable row level security;`);
    this.addSql(`alter table "lessons" force row level security;`);
    this.addSql(`create policy "tenant_isolation" on "lessons" using (tenant_id = current_setting('app.tenant_id', true)) with check (tenant_id = current_setting('app.tenant_id', true));`);

    this.addSql(`alter table "patterns" add constraint "patterns_agent_type_check" check ("agent_type" in ('orchestrator', 'project_manager', 'architect', 'analyst', 'ui_designer', 'frontend_dev', 'backend_dev', 'tester', 'bug_fixer', 'reviewer', 'git_agent'));`);
    this.addSql(`alter table "patterns" enable row level security;`);
    this.addSql(`alter table "patterns" force row level security;`);
    this.addSql(`create policy "tenant_isolation" on "patterns" using (tenant_id = current_setting('app.tenant_id', true)) with check (tenant_id = current_setting('app.tenant_id', true));`);
    // Written by hand (MikroORM does not model these; the snapshot does not know them, so later
    // generated diffs leave them alone):
    // - search columns generated from the text, with tenant-leading GIN indexes;
    this.addSql(`alter table "lessons" add column "search_vector" tsvector generated always as (
      setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', summary), 'B')
        || setweight(to_tsvector('english', coalesce(details, '')), 'C')) stored;`);
    this.addSql(`alter table "lessons" add column "search_text" text generated always as (title || ' ' || summary) stored;`);
    this.addSql(`create index "lessons_tenant_search_idx" on "lessons" using gin ("tenant_id", "search_vector");`);
    this.addSql(`create index "lessons_tenant_search_trgm_idx" on "lessons" using gin ("tenant_id", "search_text" gin_trgm_ops);`);
    this.addSql(`create index "lessons_tenant_tags_idx" on "lessons" using gin ("tenant_id", "tags");`);
    this.addSql(`alter table "lessons" add constraint "lessons_tags_check" check (cardinality(tags) <= 20);`);
    // - a lesson's task is a task of the same tenant (the task going away keeps the lesson);
    this.addSql(`alter table "lessons" add constraint "lessons_task_fk" foreign key ("tenant_id", "task_id") references "tasks" ("tenant_id", "id") on delete set null ("task_id");`);
    // - one row per tenant, type, agent type and pattern: jsonb compares without regard to key
    //   order, and its text form is canonical, so its hash identifies the pattern.
    this.addSql(`alter table "patterns" add column "pattern_hash" text generated always as (md5(pattern::text)) stored;`);
    this.addSql(`alter table "patterns" add constraint "patterns_identity_key" unique nulls not distinct ("tenant_id", "type", "agent_type", "pattern_hash");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "lessons" cascade;`);
    this.addSql(`drop table if exists "patterns" cascade;`);
    this.addSql(`drop extension if exists btree_gin;`);
    this.addSql(`drop extension if exists pg_trgm;`);
  }

}

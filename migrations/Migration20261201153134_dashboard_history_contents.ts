import { Migration } from '@mikro-orm/migrations';

/**
 * Dashboard history stops copying every widget into every version. A version keeps the dashboard's
 * own fields and the hash of a widget list; a list keeps each widget without its query and config
 * and with the hash of a widget content instead; lists and contents are stored once per dashboard
 * and distinct value (SHA-256 of their jsonb text). Existing versions are converted in place, and
 * back by down().
 *
 * The conversion runs as the schema owner, which forced row-level security would confine to one
 * tenant: the tables it reads and writes are unforced for its duration (inside this migration's
 * transaction, so no one else ever sees them unforced).
 */

/** The widget members stored as contents (WidgetsService.largeMembers), and the member that refers to them. */
const LARGE_MEMBERS = `array['query', 'config']`;
const CONTENT_REF = 'contentSha256';
const sha256Hex = (jsonb: string) => `encode(sha256(convert_to((${jsonb})::text, 'UTF8')), 'hex')`;

const NEW_TABLES = [
  ['dashboard_widget_contents', 'dashboard_widget_content'],
  ['dashboard_widget_lists', 'dashboard_widget_list'],
];

export class Migration20261201153134_dashboard_history_contents extends Migration {

  override name = 'Migration20261201153134_dashboard_history_contents';

  override up(): void | Promise<void> {
    this.addSql(`create table "dashboard_widget_contents" ("id" uuid not null, "tenant_id" text not null, "dashboard_id" uuid not null, "hash" text not null, "content" jsonb not null, primary key ("id"));`);
    this.addSql(`alter table "dashboard_widget_contents" add constraint "dashboard_widget_contents_tenant_dashboard_hash_key" unique ("tenant_id", "dashboard_id", "hash");`);

    this.addSql(`create table "dashboard_widget_lists" ("id" uuid not null, "tenant_id" text not null, "dashboard_id" uuid not null, "hash" text not null, "widgets" jsonb not null, primary key ("id"));`);
    this.addSql(`alter table "dashboard_widget_lists" add constraint "dashboard_widget_lists_tenant_dashboard_hash_key" unique ("tenant_id", "dashboard_id", "hash");`);

    // Existing versions: split, stored once, referenced; then the column becomes required.
    this.addSql(`alter table "dashboard_versions" add "widget_list_hash" text null;`);
    this.addSql(`alter table "dashboard_versions" no force row level security;`);
    this.addSql(`create temporary table "history_widgets" as
      select v.id as version_id, v.tenant_id, v.dashboard_id, w.position, w.item - ${LARGE_MEMBERS} as stub, c.content, ${sha256Hex('c.content')} as hash
      from "dashboard_versions" v
      cross join lateral jsonb_array_elements(coalesce(v.snapshot->'widgets', '[]'::jsonb)) with ordinality as w(item, position)
      cross join lateral (select coalesce(jsonb_object_agg(m.key, m.value), '{}'::jsonb) as content
                          from jsonb_each(w.item) m where m.key = any(${LARGE_MEMBERS})) c;`);
    this.addSql(`insert into "dashboard_widget_contents" (id, tenant_id, dashboard_id, hash, content)
      select distinct on (tenant_id, dashboard_id, hash) gen_random_uuid(), tenant_id, dashboard_id, hash, content from "history_widgets";`);
    this.addSql(`create temporary table "history_lists" as
      select l.version_id, l.tenant_id, l.dashboard_id, l.widgets, ${sha256Hex('l.widgets')} as hash
      from (select v.id as version_id, v.tenant_id, v.dashboard_id, coalesce(w.widgets, '[]'::jsonb) as widgets
            from "dashboard_versions" v
            left join (select version_id, jsonb_agg(stub || jsonb_build_object('${CONTENT_REF}', hash) order by position) as widgets
                       from "history_widgets" group by version_id) w on w.version_id = v.id) l;`);
    this.addSql(`insert into "dashboard_widget_lists" (id, tenant_id, dashboard_id, hash, widgets)
      select distinct on (tenant_id, dashboard_id, hash) gen_random_uuid(), tenant_id, dashboard_id, hash, widgets from "history_lists";`);
    this.addSql(`update "dashboard_versions" v set widget_list_hash = l.hash, snapshot = v.snapshot - 'widgets' from "history_lists" l where l.version_id = v.id;`);
    this.addSql(`drop table "history_widgets", "history_lists";`);
    this.addSql(`alter table "dashboard_versions" force row level security;`);
    this.addSql(`alter table "dashboard_versions" alter column "widget_list_hash" set not null;`);

    this.addSql(`create index "dashboard_versions_replaced_tenant_idx" on "dashboard_versions" ("replaced_at", "tenant_id");`);
    this.addSql(`create index "dashboard_versions_tenant_dashboard_list_idx" on "dashboard_versions" ("tenant_id", "dashboard_id", "widget_list_hash");`);

    this.addSql(`alter table "dashboard_widget_contents" enable row level security;`);
    this.addSql(`alter table "dashboard_widget_contents" force row level security;`);
    this.addSql(`create policy "tenant_isolation" on "dashboard_widget_contents" using (tenant_id = current_setting('app.tenant_id', true)) with check (tenant_id = current_setting('app.tenant_id', true));`);

    this.addSql(`alter table "dashboard_widget_lists" enable row level security;`);
    this.addSql(`alter table "dashboard_widget_lists" force row level security;`);
    this.addSql(`create policy "tenant_isolation" on "dashboard_widget_lists" using (tenant_id = current_setting('app.tenant_id', true)) with check (tenant_id = current_setting('app.tenant_id', true));`);

    // Written by hand (MikroORM does not model these):
    // - a hash is a SHA-256 in hex;
    for (const [table] of NEW_TABLES) {
      this.addSql(`alter table "${table}" add constraint "${table}_hash_check" check (hash ~ '^[0-9a-f]{64}$');`);
    }
    // - lists and contents belong to a dashboard of their tenant and go with it; a version's list
    //   exists. That check waits for the commit: deleting a dashboard removes its versions and lists
    //   by two cascades, in an order the check must not depend on.
    this.addSql(`alter table "dashboard_widget_contents" add constraint "dashboard_widget_contents_dashboard_fk" foreign key ("tenant_id", "dashboard_id") references "dashboards" ("tenant_id", "id") on delete cascade;`);
    this.addSql(`alter table "dashboard_widget_lists" add constraint "dashboard_widget_lists_dashboard_fk" foreign key ("tenant_id", "dashboard_id") references "dashboards" ("tenant_id", "id") on delete cascade;`);
    this.addSql(`alter table "dashboard_versions" add constraint "dashboard_versions_widget_list_fk" foreign key ("tenant_id", "dashboard_id", "widget_list_hash") references "dashboard_widget_lists" ("tenant_id", "dashboard_id", "hash") deferrable initially deferred;`);
    // - the runtime role prunes history (versions past retention, then the lists and contents no
    //   version uses) but never rewrites it;
    this.addSql(`grant delete on "dashboard_versions" to tessera_runtime;`);
    this.addSql(`revoke update on "dashboard_widget_contents", "dashboard_widget_lists" from tessera_runtime;`);
    // - the schema owner's maintenance job (never the runtime role) lists the tenants with expired history;
    this.addSql(`create policy "maintenance_tenant_list" on "dashboard_versions" for select to current_user using (true);`);
    // - lists and contents are audited like every tenant table (created after the conversion: it
    //   re-encodes history that existed, and changes no tenant data).
    for (const [table, resource] of NEW_TABLES) {
      this.addSql(`create trigger audit_capture after insert or update or delete on "${table}" for each row execute function audit_capture('${resource}');`);
    }
  }

  override down(): void | Promise<void> {
    for (const table of ['dashboard_versions', ...NEW_TABLES.map(([name]) => name)]) {
      this.addSql(`alter table "${table}" no force row level security;`);
    }
    this.addSql(`update "dashboard_versions" v set snapshot = v.snapshot || jsonb_build_object('widgets', coalesce((
        select jsonb_agg((w.item - '${CONTENT_REF}') || c.content order by w.position)
        from "dashboard_widget_lists" l
        cross join lateral jsonb_array_elements(l.widgets) with ordinality as w(item, position)
        join "dashboard_widget_contents" c on c.tenant_id = l.tenant_id and c.dashboard_id = l.dashboard_id and c.hash = w.item->>'${CONTENT_REF}'
        where l.tenant_id = v.tenant_id and l.dashboard_id = v.dashboard_id and l.hash = v.widget_list_hash), '[]'::jsonb));`);
    this.addSql(`alter table "dashboard_versions" force row level security;`);
    this.addSql(`drop policy "maintenance_tenant_list" on "dashboard_versions";`);
    this.addSql(`revoke delete on "dashboard_versions" from tessera_runtime;`);

    this.addSql(`drop table if exists "dashboard_widget_contents" cascade;`);
    this.addSql(`drop table if exists "dashboard_widget_lists" cascade;`);

    this.addSql(`drop index "dashboard_versions_replaced_tenant_idx";`);
    this.addSql(`drop index "dashboard_versions_tenant_dashboard_list_idx";`);
    this.addSql(`alter table "dashboard_versions" drop column "widget_list_hash";`);
  }

}

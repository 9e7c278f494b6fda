import { Migration } from '@mikro-orm/migrations';

/** Tables with tenant data that are not accounted: the audit trail (bounded by retention) and the account itself. */
const UNACCOUNTED = ['audit_entries', 'tenant_storage', 'tenant_storage_deltas'];
const ACCOUNT_TABLES = ['tenant_storage', 'tenant_storage_deltas'];
const TENANT_MATCHES = `tenant_id = current_setting('app.tenant_id', true)`;

/**
 * The per-tenant storage account (see StorageUsageService): a `storage_account` trigger on every table
 * with tenant data appends each row's change of size to tenant_storage_deltas (an insert: writers
 * never contend on a counter); compaction, run by the schema owner, folds them into tenant_storage.
 * The data already stored is accounted here. Also lets the owner's hourly job sweep the expired
 * idempotency keys of every tenant, by expiry.
 */
export class Migration20261201160055_storage_accounting extends Migration {

  override name = 'Migration20261201160055_storage_accounting';

  override async up(): Promise<void> {
    this.addSql(`create index "idempotency_keys_expires_at_idx" on "idempotency_keys" ("expires_at");`);
    this.addSql(`create policy "maintenance_sweep" on "idempotency_keys" for all to current_user using (true);`);

    this.addSql(`create table "tenant_storage" ("tenant_id" text not null, "table_name" text not null, "bytes" bigint not null, primary key ("tenant_id", "table_name"));`);
    this.addSql(`create table "tenant_storage_deltas" ("tenant_id" text not null, "table_name" text not null, "bytes" bigint not null);`);
    for (const table of ACCOUNT_TABLES) {
      this.addSql(`alter table "${table}" enable row level security;`);
      this.addSql(`alter table "${table}" force row level security;`);
      this.addSql(`create policy "tenant_isolation" on "${table}" using (${TENANT_MATCHES}) with check (${TENANT_MATCHES});`);
      // Compaction folds every tenant's deltas at once, as the schema owner (never the runtime role).
      this.addSql(`create policy "maintenance_compaction" on "${table}" for all to current_user using (true) with check (true);`);
    }
    this.addSql(`grant select, insert on "tenant_storage_deltas" to tessera_runtime;`);
    this.addSql(`grant select on "tenant_storage" to tessera_runtime;`);
    this.addSql(`create function storage_account() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then
          insert into tenant_storage_deltas values (new.tenant_id, tg_table_name, pg_column_size(new));
        elsif tg_op = 'DELETE' then
          insert into tenant_storage_deltas values (old.tenant_id, tg_table_name, -pg_column_size(old));
        elsif pg_column_size(new) <> pg_column_size(old) then
          insert into tenant_storage_deltas values (new.tenant_id, tg_table_name, pg_column_size(new) - pg_column_size(old));
        end if;
        return null;
      end
    $$;`);
    for (const table of await this.accountedTables()) {
      this.addSql(`create trigger "storage_account" after insert or update or delete on "${table}" for each row execute function storage_account();`);
      // Row-level security binds the owner too: lifted for this one read of every tenant's rows.
      this.addSql(`alter table "${table}" no force row level security;`);
      this.addSql(`insert into tenant_storage select tenant_id, '${table}', sum(pg_column_size(t)) from "${table}" t group by tenant_id;`);
      this.addSql(`alter table "${table}" force row level security;`);
    }
  }

  override async down(): Promise<void> {
    for (const table of await this.accountedTables()) {
      this.addSql(`drop trigger "storage_account" on "${table}";`);
    }
    this.addSql('drop function storage_account();');
    for (const table of ACCOUNT_TABLES) {
      this.addSql(`drop table "${table}";`);
    }
    this.addSql(`drop policy "maintenance_sweep" on "idempotency_keys";`);
    this.addSql(`drop index "idempotency_keys_expires_at_idx";`);
  }

  /** Every table with tenant data, as the catalogue has them when the migration runs. */
  private async accountedTables(): Promise<string[]> {
    const rows = await this.execute(`
      select c.relname as name from pg_class c
      join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
      where c.relnamespace = current_schema()::regnamespace and c.relkind = 'r' order by 1`);
    return rows.map((row) => row.name as string).filter((name) => !UNACCOUNTED.includes(name));
  }

}

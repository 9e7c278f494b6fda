import { Migration } from '@mikro-orm/migrations';

/**
 * The runtime group role and what it may touch: tables and sequences created later by the owner are
 * granted to it automatically; functions are not executable by PUBLIC unless granted one by one.
 */
export class Migration20261123120000_runtime_role extends Migration {
  override async up(): Promise<void> {
    this.addSql(`do $$ begin
      if not exists (select from pg_roles where rolname = 'tessera_runtime') then create role tessera_runtime nologin; end if;
    end $$;`);
    this.addSql('grant usage on schema public to tessera_runtime;');
    this.addSql('alter default privileges in schema public grant select, insert, update, delete on tables to tessera_runtime;');
    this.addSql('alter default privileges in schema public grant usage, select on sequences to tessera_runtime;');
    // Not `in schema`: a per-schema default can only add grants, never take away the global one.
    this.addSql('alter default privileges revoke execute on functions from public;');
  }

  override async down(): Promise<void> {
    this.addSql('alter default privileges grant execute on functions to public;');
    this.addSql('alter default privileges in schema public revoke usage, select on sequences from tessera_runtime;');
    this.addSql('alter default privileges in schema public revoke select, insert, update, delete on tables from tessera_runtime;');
    this.addSql('revoke usage on schema public from tessera_runtime;');
  }
}

import { Migration } from '@mikro-orm/migrations';

/** The tables whose changes are audited, with their resource type and capture options (see audit_capture). */
const AUDITED_TABLES = [
  ['tasks', 'task', 'state=transition'],
  ['task_dependencies', 'task_dependency'],
  ['task_executions', 'task_execution', 'status=finish'],
  ['execution_reviews', 'execution_review'],
  ['task_artifacts', 'task_artifact'],
  ['task_approvals', 'task_approval'],
  ['lessons', 'lesson', '-search_vector', '-search_text', 'human_validated=validate', 'application_count=apply'],
  ['patterns', 'pattern', '-pattern_hash'],
];

export class Migration20261123142255_audit extends Migration {

  override name = 'Migration20261123142255_audit';

  override up(): void | Promise<void> {
    this.addSql(`create table "audit_entries" ("id" uuid not null, "tenant_id" text not null, "chain" smallint not null, "chain_seq" bigint not null, "prev_hash" bytea null, "hash" bytea not null, "actor_id" text not null, "actor_roles" text[] not null, "action" text collate "C" not null, "resource_type" text not null, "resource_id" text null, "details" jsonb not null, "ip_address" text null, "user_agent" text null, "request_id" text null, "created_at" timestamptz(3) not null, primary key ("id"));`);
    this.addSql(`create index "audit_entries_tenant_action_idx" on "audit_entries" ("tenant_id", "action", "created_at", "id");`);
    this.addSql(`create index "audit_entries_tenant_request_idx" on "audit_entries" ("tenant_id", "request_id");`);
    this.addSql(`create index "audit_entries_tenant_resource_idx" on "audit_entries" ("tenant_id", "resource_type", "resource_id", "created_at", "id");`);
    this.addSql(`create index "audit_entries_tenant_actor_idx" on "audit_entries" ("tenant_id", "actor_id", "created_at", "id");`);
    this.addSql(`create index "audit_entries_tenant_created_idx" on "audit_entries" ("tenant_id", "created_at", "id");`);
    this.addSql(`alter table "audit_entries" add constraint "audit_entries_chain_key" unique ("tenant_id", "chain", "chain_seq");`);

    this.addSql(`alter table "audit_entries" enable row level security;`);
    this.addSql(`alter table "audit_entries" force row level security;`);
    this.addSql(`create policy "tenant_isolation" on "audit_entries" using (tenant_id = current_setting('app.tenant_id', true)) with check (tenant_id = current_setting('app.tenant_id', true));`);

    // Written by hand (the snapshot does not know these; generated diffs leave them alone).
    // - The schema owner's maintenance jobs (never the runtime role) list the tenants that have a trail.
    this.addSql(`create policy "maintenance_tenant_list" on "audit_entries" for select to current_user using (true);`);
    // - Append-only: the runtime role may only insert and read entries.
    this.addSql(`revoke update, delete, truncate on "audit_entries" from tessera_runtime;`);
    // PL/pgSQL rather than SQL: its plan is cached for the session (a SQL function taking a row is
    // planned on every call), and sealing calls it for every entry.
    this.addSql(`create function audit_entry_digest(e audit_entries) returns bytea language plpgsql stable as $$
      begin
        return sha256(convert_to(jsonb_build_array(
          encode(e.prev_hash, 'hex'), e.id, e.tenant_id, e.chain, e.chain_seq, e.actor_id, e.actor_roles, e.action,
          e.resource_type, e.resource_id, e.details, e.ip_address, e.user_agent, e.request_id,
          (extract(epoch from e.created_at) * 1000000)::bigint)::text, 'UTF8'));
      end
    $$;`);
    this.addSql(`grant execute on function audit_entry_digest(audit_entries) to tessera_runtime;`);
    // - Only audit_apply_retention(), run by a role outside the runtime group, may delete entries or
    //   write a retention checkpoint.
    this.addSql(`create function audit_retention_in_progress() returns boolean language sql stable as $$
      select coalesce(current_setting('tessera.audit_retention', true), '') = 'on'
        and not pg_has_role(current_user, 'tessera_runtime', 'MEMBER')
    $$;`);
    this.addSql(`grant execute on function audit_retention_in_progress() to tessera_runtime;`);
    // - Sealing: whatever an INSERT says, the actor, origin and time come from the transaction's
    //   settings (set by TenantScope), and the entry is appended to one of the tenant's hash chains.
    //   A transaction owns one chain (a transaction-level advisory lock) from its first entry to its
    //   end. It never waits for one: it tries a random one of the first 16 chains, then the others,
    //   then opens the next chain beyond. So recording never blocks a writer (no deadlock with the
    //   writers' own locks), and tenants never wait for each other.
    this.addSql(`create function audit_entries_seal() returns trigger language plpgsql as $$
      declare
        held text := current_setting('tessera.audit_chain', true);
        lock_key integer := hashtext('tessera.audit_chain:' || new.tenant_id);
        first_try integer := floor(random() * 16)::integer;
        candidate integer := 0;
        tail record;
        start jsonb;
      begin
        if new.action = 'audit.retention' and not audit_retention_in_progress() then
          raise exception 'only audit_apply_retention() records retention checkpoints' using errcode = 'insufficient_privilege';
        end if;
        new.chain := null;
        if substr(held, position(':' in held) + 1) = new.tenant_id then
          new.chain := split_part(held, ':', 1)::smallint;
        else
          while new.chain is null or not pg_try_advisory_xact_lock(lock_key, new.chain) loop
            new.chain := case when candidate < 16 then (first_try + candidate) % 16 else candidate end;
            candidate := candidate + 1;
          end loop;
          perform set_config('tessera.audit_chain', new.chain || ':' || new.tenant_id, true);
        end if;
        -- Read committed: this statement sees every entry committed before the chain was taken.
        select e.chain_seq, e.hash into tail from audit_entries e
        where e.tenant_id = new.tenant_id and e.chain = new.chain order by e.chain_seq desc limit 1;
        if not found then
          -- A new chain, or one emptied by retention: it goes on where the latest checkpoint says.
          select c.details -> 'chainStarts' -> (new.chain::text) into start from audit_entries c
          where c.tenant_id = new.tenant_id and c.action = 'audit.retention' order by c.created_at desc, c.id desc limit 1;
          select coalesce((start ->> 'seq')::bigint, 0) as chain_seq, decode(start ->> 'hash', 'hex') as hash into tail;
        end if;
        -- A version 7 (time-ordered) UUID, as PostgreSQL 18's uuidv7() makes: new keys land at the
        -- right edge of the primary key index instead of on random pages.
        new.id := coalesce(new.id, encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
          placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid);
        new.actor_id := coalesce(nullif(current_setting('app.actor_id', true), ''), 'system');
        new.actor_roles := array(select jsonb_array_elements_text(coalesce(nullif(current_setting('app.actor_roles', true), ''), '[]')::jsonb));
        new.request_id := nullif(current_setting('app.request_id', true), '');
        new.ip_address := nullif(current_setting('app.ip_address', true), '');
        new.user_agent := nullif(current_setting('app.user_agent', true), '');
        new.created_at := date_trunc('milliseconds', clock_timestamp());
        new.chain_seq := tail.chain_seq + 1;
        new.prev_hash := tail.hash;
        new.hash := audit_entry_digest(new);
        return new;
      end
    $$;`);
    this.addSql(`create trigger audit_entries_seal before insert on audit_entries for each row execute function audit_entries_seal();`);
    // - Immutable, even for the owner, except to audit_apply_retention().
    this.addSql(`create function audit_entries_immutable() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' and audit_retention_in_progress() then
          return old;
        end if;
        raise exception 'audit entries are append-only: % refused', tg_op using errcode = 'insufficient_privilege';
      end
    $$;`);
    this.addSql(`create trigger audit_entries_immutable before update or delete on audit_entries for each row execute function audit_entries_immutable();`);
    this.addSql(`create trigger audit_entries_no_truncate before truncate on audit_entries for each statement execute function audit_entries_immutable();`);
    // - Retention, run by the owner for the tenant in app.tenant_id: cuts each chain after its last
    //   entry older than the cutoff (by sequence, so a chain always loses a prefix), then appends a
    //   checkpoint recording where each chain now starts (the sequence number and hash the next
    //   entry links to), which verification trusts instead of the deleted entries.
    this.addSql(`create function audit_apply_retention(cutoff timestamptz) returns bigint language plpgsql as $$
      declare
        tenant text := current_setting('app.tenant_id');
        cut jsonb;
        previous jsonb;
        removed bigint;
      begin
        select jsonb_object_agg(e.chain, jsonb_build_object('seq', e.chain_seq, 'hash', encode(e.hash, 'hex'))) into cut
        from (select chain, max(chain_seq) as last_seq from audit_entries
              where tenant_id = tenant and created_at < cutoff group by chain) d
        join audit_entries e on e.tenant_id = tenant and e.chain = d.chain and e.chain_seq = d.last_seq;
        if cut is null then
          return 0;
        end if;
        select details -> 'chainStarts' into previous from audit_entries
        where tenant_id = tenant and action = 'audit.retention' order by created_at desc, id desc limit 1;
        perform set_config('tessera.audit_retention', 'on', true);
        delete from audit_entries e using jsonb_each(cut) c
        where e.tenant_id = tenant and e.chain = c.key::smallint and e.chain_seq <= (c.value ->> 'seq')::bigint;
        get diagnostics removed = row_count;
        insert into audit_entries (tenant_id, action, resource_type, resource_id, details)
        values (tenant, 'audit.retention', 'audit_log', null, jsonb_build_object(
          'cutoff', cutoff, 'removed', removed, 'chainStarts', coalesce(previous, '{}') || cut));
        perform set_config('tessera.audit_retention', '', true);
        return removed;
      end
    $$;`);
    // - Capture: one entry per changed row of an audited table, in the same transaction. Arguments:
    //   the resource type, then "-column" to leave a column out and "column=verb" (or
    //   "column=verbWhenSet/verbWhenCleared") to name an update by the column it changed.
    //   Values longer than 1 KiB are recorded as their size and SHA-256, never copied whole.
    this.addSql(`create function audit_capture() returns trigger language plpgsql as $$
      declare
        resource text := tg_argv[0];
        options text[] := tg_argv[1:];
        before_row jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) end;
        after_row jsonb := case when tg_op <> 'DELETE' then to_jsonb(new) end;
        current_row jsonb := coalesce(after_row, before_row);
        verb text := case tg_op when 'INSERT' then 'create' when 'UPDATE' then 'update' else 'delete' end;
        changes jsonb;
        rule text;
      begin
        select coalesce(jsonb_object_agg(f.key, jsonb_build_object('before', audit_value(before_row -> f.key), 'after', audit_value(after_row -> f.key))), '{}')
        into changes
        from jsonb_each(current_row) f
        where f.key not in ('id', 'tenant_id', 'updated_at') and not ('-' || f.key = any (options))
          and case when tg_op = 'UPDATE' then before_row -> f.key is distinct from after_row -> f.key else f.value <> 'null'::jsonb end;
        if tg_op = 'UPDATE' then
          if changes = '{}' then
            return null;
          end if;
          foreach rule in array options loop
            continue when rule not like '%=%' or not changes ? split_part(rule, '=', 1);
            verb := split_part(rule, '=', 2);
            verb := case when after_row -> split_part(rule, '=', 1) = 'null'::jsonb and verb like '%/%'
              then split_part(verb, '/', 2) else split_part(verb, '/', 1) end;
            exit;
          end loop;
        end if;
        insert into audit_entries (tenant_id, action, resource_type, resource_id, details)
        values (current_row ->> 'tenant_id', resource || '.' || verb, resource, current_row ->> 'id', jsonb_build_object('changes', changes));
        return null;
      end
    $$;`);
    this.addSql(`create function audit_value(value jsonb) returns jsonb language sql immutable as $$
      select case when value is null or octet_length(value::text) <= 1024 then value else jsonb_build_object(
        'summarized', true, 'bytes', octet_length(value::text), 'sha256', encode(sha256(convert_to(value::text, 'UTF8')), 'hex')) end
    $$;`);
    this.addSql(`grant execute on function audit_value(jsonb) to tessera_runtime;`);
    for (const [table, ...args] of AUDITED_TABLES) {
      this.addSql(`create trigger audit_capture after insert or update or delete on "${table}" for each row execute function audit_capture(${args.map((arg) => `'${arg}'`).join(', ')});`);
    }
  }

  override down(): void | Promise<void> {
    for (const [table] of AUDITED_TABLES) {
      this.addSql(`drop trigger if exists audit_capture on "${table}";`);
    }
    this.addSql(`drop function if exists audit_capture();`);
    this.addSql(`drop function if exists audit_value(jsonb);`);
    this.addSql(`drop function if exists audit_apply_retention(timestamptz);`);
    this.addSql(`drop table if exists "audit_entries" cascade;`);
    this.addSql(`drop function if exists audit_entries_seal();`);
    this.addSql(`drop function if exists audit_entries_immutable();`);
    this.addSql(`drop function if exists audit_retention_in_progress();`);
  }

}

import { Migration } from '@mikro-orm/migrations';

/** The fields the sealer fills in; an entry has all of them (sealed) or none (not yet). */
const CHAIN_FIELDS = `array['chain', 'chain_seq', 'prev_hash', 'hash']`;

/**
 * The lock that makes a tenant's sealer the only one (class AdvisoryLockClass.AuditChain = 3, which
 * writers no longer take for chains of their own), always transaction-scoped.
 */
const SEALER_LOCK = `3, hashtext(tenant)`;

/** Where chain 0 goes on: its newest entry, or where the latest retention checkpoint says it starts. */
const CHAIN_ZERO_TAIL = `
        select e.chain_seq, e.hash into tail_seq, tail_hash from audit_entries e
        where e.tenant_id = tenant and e.chain = 0 order by e.chain_seq desc limit 1;
        if not found then
          select c.details -> 'chainStarts' -> '0' into start from audit_entries c
          where c.tenant_id = tenant and c.action = 'audit.retention' order by c.created_at desc, c.id desc limit 1;
          tail_seq := coalesce((start ->> 'seq')::bigint, 0);
          tail_hash := decode(start ->> 'hash', 'hex');
        end if;`;

/** The writer's part of an entry, as before, without the chain (and so without the chain's lock). */
const STAMP_FIELDS = `
        -- A version 7 (time-ordered) UUID, as PostgreSQL 18's uuidv7() makes: new keys land at the
        -- right edge of the primary key index instead of on random pages.
        new.id := coalesce(new.id, encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
          placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid);
        new.actor_id := coalesce(nullif(current_setting('app.actor_id', true), ''), 'system');
        new.actor_roles := array(select jsonb_array_elements_text(coalesce(nullif(current_setting('app.actor_roles', true), ''), '[]')::jsonb));
        new.request_id := nullif(current_setting('app.request_id', true), '');
        new.ip_address := nullif(current_setting('app.ip_address', true), '');
        new.user_agent := nullif(current_setting('app.user_agent', true), '');
        new.created_at := date_trunc('milliseconds', clock_timestamp());`;

const RETENTION_GUARD = `
        if new.action = 'audit.retention' and not audit_retention_in_progress() then
          raise exception 'only audit_apply_retention() records retention checkpoints' using errcode = 'insufficient_privilege';
        end if;`;

/** Before: each writer sealed its own entries into one of 16 chains it held for its transaction. */
const WRITER_SEAL = `create or replace function audit_entries_seal() returns trigger language plpgsql as $$
      declare
        held text := current_setting('tessera.audit_chain', true);
        first_try integer := floor(random() * 16)::integer;
        candidate integer := 0;
        tail record;
        start jsonb;
      begin${RETENTION_GUARD}
        new.chain := null;
        if substr(held, position(':' in held) + 1) = new.tenant_id then
          new.chain := split_part(held, ':', 1)::smallint;
        else
          while new.chain is null or not pg_try_advisory_xact_lock(3, hashtext(new.tenant_id || ':' || new.chain)) loop
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
        end if;${STAMP_FIELDS}
        new.chain_seq := tail.chain_seq + 1;
        new.prev_hash := tail.hash;
        new.hash := audit_entry_digest(new);
        return new;
      end
    $$;`;

/** After: the writer only stamps the entry with who, from where, when and its transaction id. */
const WRITER_STAMP = `create function audit_entries_stamp() returns trigger language plpgsql as $$
      begin${RETENTION_GUARD}${STAMP_FIELDS}
        new.xid := pg_current_xact_id();
        new.chain := null;
        new.chain_seq := null;
        new.prev_hash := null;
        new.hash := null;
        return new;
      end
    $$;`;

/**
 * The sealer, for the tenant in app.tenant_id: links every entry its statement sees unsealed (every
 * transaction that committed before it) into chain 0, in order of transaction id, then time and id;
 * the update trigger checks each link and computes the hash. One sealer per tenant at a time (the
 * lock; `wait` false returns null at once if another holds it), so the tail it starts from is the last
 * one sealed and an entry is sealed exactly once; a sealer that dies rolls back and its entries wait
 * for the next. Runs with the caller's rights: the runtime role's own unit of work can seal its tenant.
 */
const SEALER = `create function audit_seal_pending(wait boolean default true) returns integer language plpgsql as $$
      declare
        tenant text := current_setting('app.tenant_id');
        tail_seq bigint;
        tail_hash bytea;
        start jsonb;
        pending uuid;
        sealed integer := 0;
      begin
        if wait then
          perform pg_advisory_xact_lock(${SEALER_LOCK});
        elsif not pg_try_advisory_xact_lock(${SEALER_LOCK}) then
          return null;
        end if;${CHAIN_ZERO_TAIL}
        for pending in
          select e.id from audit_entries e where e.tenant_id = tenant and e.hash is null order by e.xid, e.created_at, e.id
        loop
          tail_seq := tail_seq + 1;
          update audit_entries set chain = 0, chain_seq = tail_seq, prev_hash = tail_hash
          where tenant_id = tenant and id = pending
          returning hash into tail_hash;
          sealed := sealed + 1;
        end loop;
        return sealed;
      end
    $$;`;

/**
 * The sealing job's batch, run by the schema owner: several tenants in one transaction, each under its
 * own tenant setting (row-level security) and sealer lock; a tenant another sealer holds is skipped.
 */
const BATCH_SEALER = `create function audit_seal_tenants(tenants text[]) returns integer language plpgsql as $$
      declare
        tenant text;
        sealed integer := 0;
      begin
        foreach tenant in array tenants loop
          perform set_config('app.tenant_id', tenant, true);
          sealed := sealed + coalesce(audit_seal_pending(false), 0);
        end loop;
        return sealed;
      end
    $$;`;

const IMMUTABLE_BEFORE = `create or replace function audit_entries_immutable() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' and audit_retention_in_progress() then
          return old;
        end if;
        raise exception 'audit entries are append-only: % refused', tg_op using errcode = 'insufficient_privilege';
      end
    $$;`;

/**
 * After: an unsealed entry may be linked into a chain, and nothing else: only its chain, sequence
 * and previous hash may be set, the link must continue the chain exactly (its predecessor's hash, or
 * a chain's start: 1, or where the latest retention checkpoint says), and the hash is computed here,
 * whatever the UPDATE said. So any seal is a valid one, whoever runs it; the unique chain key refuses
 * a fork.
 */
const IMMUTABLE_AFTER = `create or replace function audit_entries_immutable() returns trigger language plpgsql as $$
      declare
        predecessor bytea;
        start jsonb;
      begin
        if tg_op = 'DELETE' and audit_retention_in_progress() then
          return old;
        end if;
        if tg_op = 'UPDATE' then
          if old.hash is null and new.chain is not null and new.chain_seq is not null
            and to_jsonb(new) - ${CHAIN_FIELDS} = to_jsonb(old) - ${CHAIN_FIELDS} then
            select p.hash into predecessor from audit_entries p
            where p.tenant_id = new.tenant_id and p.chain = new.chain and p.chain_seq = new.chain_seq - 1;
            if not found then
              select c.details -> 'chainStarts' -> (new.chain::text) into start from audit_entries c
              where c.tenant_id = new.tenant_id and c.action = 'audit.retention' order by c.created_at desc, c.id desc limit 1;
              if new.chain_seq - 1 <> coalesce((start ->> 'seq')::bigint, 0) then
                raise exception 'audit entry % would not continue chain %', new.id, new.chain using errcode = 'integrity_constraint_violation';
              end if;
              predecessor := decode(start ->> 'hash', 'hex');
            end if;
            if new.prev_hash is distinct from predecessor then
              raise exception 'audit entry % would not link to its predecessor', new.id using errcode = 'integrity_constraint_violation';
            end if;
            new.hash := audit_entry_digest(new);
            return new;
          end if;
        end if;
        raise exception 'audit entries are append-only: % refused', tg_op using errcode = 'insufficient_privilege';
      end
    $$;`;

/** Retention before: cuts each chain after its last entry older than the cutoff. */
const retention = (sealFirst: string) => `create or replace function audit_apply_retention(cutoff timestamptz) returns bigint language plpgsql as $$
      declare
        tenant text := current_setting('app.tenant_id');
        cut jsonb;
        previous jsonb;
        removed bigint;
      begin${sealFirst}
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
    $$;`;
/** After: the tenant's chains are sealed up to now first, so the cut sees every committed entry in them (unsealed ones are never cut). */
const SEAL_BEFORE_CUTTING = `
        perform audit_seal_pending();`;

/**
 * Takes sealing off the write path (issue 14, ADR 0004): a writer's trigger only stamps its entries
 * (actor, origin, time, transaction id) and takes no chain lock; audit_seal_pending(), run per tenant
 * by the sealing job and before verify and export, links them into the tenant's chain afterwards.
 * Entries already in the trail were sealed by their writers: they keep their chains and a null
 * transaction id. Independent of key names (the sealer updates by tenant and id, whichever key holds
 * them); writers are held off meanwhile, so none seals under the old trigger after the sealer starts.
 */
export class Migration20261201202405_audit_sealing extends Migration {

  override name = 'Migration20261201202405_audit_sealing';

  override up(): void | Promise<void> {
    this.addSql('lock table audit_entries in share row exclusive mode;');
    this.addSql(`alter table "audit_entries" add "xid" xid8 null;`);
    this.addSql(`alter table "audit_entries" alter column "chain" drop not null;`);
    this.addSql(`alter table "audit_entries" alter column "chain_seq" drop not null;`);
    this.addSql(`alter table "audit_entries" alter column "hash" drop not null;`);
    this.addSql(`alter table "audit_entries" add constraint "audit_entries_sealed_whole" check (num_nulls(chain, chain_seq, hash) in (0, 3));`);
    this.addSql(`create index "audit_entries_unsealed_idx" on "audit_entries" ("tenant_id", "xid") where hash is null;`);

    this.addSql('drop trigger audit_entries_seal on audit_entries;');
    this.addSql('drop function audit_entries_seal();');
    this.addSql(WRITER_STAMP);
    this.addSql('create trigger audit_entries_stamp before insert on audit_entries for each row execute function audit_entries_stamp();');
    this.addSql(IMMUTABLE_AFTER);
    // The runtime role may link entries (the trigger above decides what a link may be), never rewrite them.
    this.addSql('grant update (chain, chain_seq, prev_hash) on audit_entries to tessera_runtime;');
    this.addSql(SEALER);
    this.addSql('grant execute on function audit_seal_pending(boolean) to tessera_runtime;');
    this.addSql(BATCH_SEALER);
    this.addSql('revoke execute on function audit_seal_tenants(text[]) from public;');
    this.addSql(retention(SEAL_BEFORE_CUTTING));
  }

  override down(): void | Promise<void> {
    this.addSql('lock table audit_entries in share row exclusive mode;');
    // Every entry is sealed before the columns become mandatory again.
    this.addSql(`do $seal$
      declare
        tenant text;
      begin
        for tenant in select distinct e.tenant_id from audit_entries e where e.hash is null loop
          perform set_config('app.tenant_id', tenant, true);
          perform audit_seal_pending();
        end loop;
      end
    $seal$;`);
    this.addSql(retention(''));
    this.addSql(IMMUTABLE_BEFORE);
    this.addSql('drop function audit_seal_tenants(text[]);');
    this.addSql('drop function audit_seal_pending(boolean);');
    this.addSql('revoke update (chain, chain_seq, prev_hash) on audit_entries from tessera_runtime;');
    this.addSql('drop trigger audit_entries_stamp on audit_entries;');
    this.addSql('drop function audit_entries_stamp();');
    this.addSql(WRITER_SEAL.replace('create or replace function', 'create function'));
    this.addSql('create trigger audit_entries_seal before insert on audit_entries for each row execute function audit_entries_seal();');

    this.addSql(`drop index "audit_entries_unsealed_idx";`);
    this.addSql(`alter table "audit_entries" drop constraint "audit_entries_sealed_whole";`);
    this.addSql(`alter table "audit_entries" drop column "xid";`);
    this.addSql(`alter table "audit_entries" alter column "chain" set not null;`);
    this.addSql(`alter table "audit_entries" alter column "chain_seq" set not null;`);
    this.addSql(`alter table "audit_entries" alter column "hash" set not null;`);
  }

}

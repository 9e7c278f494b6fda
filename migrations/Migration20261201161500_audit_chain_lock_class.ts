import { Migration } from '@mikro-orm/migrations';

/** The audit chain's lock before: a two-key lock whose first key hashes the tenant id. */
const TENANT_KEYED = {
  declaration: `lock_key integer := hashtext('tessera.audit_chain:' || new.tenant_id);`,
  call: 'pg_try_advisory_xact_lock(lock_key, new.chain)',
};
/** After: in its own lock class (AdvisoryLockClass.AuditChain = 3), keyed by tenant and chain. */
const CLASS_KEYED_CALL = `pg_try_advisory_xact_lock(3, hashtext(new.tenant_id || ':' || new.chain))`;

/**
 * Moves the lock by which a transaction owns an audit chain into a lock class of its own, so that no
 * tenant id can make it equal a lock of another purpose (see AdvisoryLockClass). The sealing function
 * is rewritten from its own definition, changing only the lock. Writers are held off meanwhile, so no
 * transaction seals under the old lock while another does under the new one.
 */
export class Migration20261201161500_audit_chain_lock_class extends Migration {

  override name = 'Migration20261201161500_audit_chain_lock_class';

  override up(): void | Promise<void> {
    this.rewriteSeal([[TENANT_KEYED.declaration, ''], [TENANT_KEYED.call, CLASS_KEYED_CALL]]);
  }

  override down(): void | Promise<void> {
    this.rewriteSeal([[CLASS_KEYED_CALL, `pg_try_advisory_xact_lock(hashtext('tessera.audit_chain:' || new.tenant_id), new.chain)`]]);
  }

  private rewriteSeal(replacements: [string, string][]): void {
    const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;
    const rewritten = replacements.reduce((definition, [from, to]) => `replace(${definition}, ${quote(from)}, ${quote(to)})`, 'definition');
    this.addSql('lock table audit_entries in exclusive mode;');
    this.addSql(`do $rewrite$
      declare
        definition text := pg_get_functiondef('audit_entries_seal()'::regprocedure);
        changed text := ${rewritten};
      begin
        if position(${quote(replacements[replacements.length - 1][1])} in changed) = 0 then
          raise exception 'audit_entries_seal() is not in the expected shape';
        end if;
        execute changed;
      end
    $rewrite$;`);
  }

}

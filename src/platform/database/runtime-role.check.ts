import type { EntityManager } from '@mikro-orm/postgresql';
import { queryRows, sql } from './sql/sql.js';

interface RuntimeRoleFacts {
  role: string;
  superuser: boolean;
  bypassrls: boolean;
  owned_tables: string[];
  unprotected_tables: string[];
  definer_functions: string[];
  unsafe_views: string[];
}

/**
 * Refuses to serve when row-level security would not hold for the role the server connects as: a
 * superuser, a BYPASSRLS role, or a member of a table's owner all see every tenant. Also refuses a
 * schema where a table with a tenant_id column lacks enabled and forced RLS, or that offers the role
 * a SECURITY DEFINER function or a view running with its owner's rights.
 */
export async function assertRuntimeRoleEnforcesRls(em: EntityManager): Promise<void> {
  const [facts] = await queryRows(
    em,
    sql<RuntimeRoleFacts>`
    select r.rolname as role, r.rolsuper as superuser, r.rolbypassrls as bypassrls,
      array(
        select c.relname::text from pg_class c
        where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p')
          and pg_has_role(current_user, c.relowner, 'MEMBER')
      ) as owned_tables,
      array(
        select c.relname::text from pg_class c
        join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
        where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p')
          and not (c.relrowsecurity and c.relforcerowsecurity)
      ) as unprotected_tables,
      array(
        select p.proname::text from pg_proc p
        where p.pronamespace = current_schema()::regnamespace and p.prosecdef and has_function_privilege(current_user, p.oid, 'EXECUTE')
      ) as definer_functions,
      array(
        select c.relname::text from pg_class c
        where c.relnamespace = current_schema()::regnamespace and c.relkind in ('v', 'm')
          and not coalesce('security_invoker=true' = any (c.reloptions), false) and has_table_privilege(current_user, c.oid, 'SELECT')
      ) as unsafe_views
    from pg_roles r where r.rolname = current_user`,
  );
  const reasons = [
    facts.superuser && 'it is a superuser',
    facts.bypassrls && 'it has BYPASSRLS',
    facts.owned_tables.length > 0 && `it owns (or is a member of the owner of) ${facts.owned_tables.join(', ')}`,
    facts.unprotected_tables.length > 0 && `tenant tables without forced RLS: ${facts.unprotected_tables.join(', ')}`,
    facts.definer_functions.length > 0 && `it may execute SECURITY DEFINER functions: ${facts.definer_functions.join(', ')}`,
    facts.unsafe_views.length > 0 && `it may read views that bypass RLS (no security_invoker): ${facts.unsafe_views.join(', ')}`,
  ].filter(Boolean);
  if (reasons.length > 0) {
    throw new Error(`Refusing to serve as database role "${facts.role}": ${reasons.join('; ')}. Use the runtime role (see README).`);
  }
}

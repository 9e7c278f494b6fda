import type { EntityManager } from '@mikro-orm/postgresql';

interface RuntimeRoleFacts {
  role: string;
  superuser: boolean;
  bypassrls: boolean;
  owned_tables: string[];
  unprotected_tables: string[];
}

/**
 * Refuses to serve when row-level security would not hold for the role the server connects as: a
 * superuser, a BYPASSRLS role, or a member of a table's owner all see every tenant. Also refuses a
 * schema where a table with a tenant_id column lacks enabled and forced RLS.
 */
export async function assertRuntimeRoleEnforcesRls(em: EntityManager): Promise<void> {
  const [facts] = await em.getConnection().execute<RuntimeRoleFacts[]>(`
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
      ) as unprotected_tables
    from pg_roles r where r.rolname = current_user`);
  const reasons = [
    facts.superuser && 'it is a superuser',
    facts.bypassrls && 'it has BYPASSRLS',
    facts.owned_tables.length > 0 && `it owns (or is a member of the owner of) ${facts.owned_tables.join(', ')}`,
    facts.unprotected_tables.length > 0 && `tenant tables without forced RLS: ${facts.unprotected_tables.join(', ')}`,
  ].filter(Boolean);
  if (reasons.length > 0) {
    throw new Error(`Refusing to serve as database role "${facts.role}": ${reasons.join('; ')}. Use the runtime role (see README).`);
  }
}

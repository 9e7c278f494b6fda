import { withAdminClient } from './test-database.js';

/** The tables with tenant data in a test database that lack an enabled trigger of the given name. */
export function tenantTablesWithout(trigger: string, database: string): Promise<string[]> {
  return withAdminClient(
    async (client) =>
      (
        await client.query(
          `select c.relname as name from pg_class c
           join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
           where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
             and not exists (select from pg_trigger t where t.tgrelid = c.oid and t.tgname = $1 and t.tgenabled = 'O')
           order by 1`,
          [trigger],
        )
      ).rows.map((row) => row.name as string),
    database,
  );
}

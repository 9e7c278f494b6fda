import pg from 'pg';

/**
 * Admin tooling, run as a superuser: the roles Tessera's migrations and runtime expect, and one
 * database. Migrations run as `tessera_owner`; the server serves as `tessera_app`, a login member of
 * `tessera_runtime`, the group role the migrations grant table privileges to. Idempotent.
 */
export const OWNER_ROLE = 'tessera_owner';
export const RUNTIME_GROUP_ROLE = 'tessera_runtime';
export const RUNTIME_LOGIN_ROLE = 'tessera_app';

export interface ProvisionedRoles {
  ownerPassword: string;
  runtimePassword: string;
}

export async function provisionRoles(admin: pg.Client, passwords: ProvisionedRoles): Promise<void> {
  await createRoleIfMissing(admin, RUNTIME_GROUP_ROLE, 'NOLOGIN');
  await createRoleIfMissing(admin, OWNER_ROLE, `LOGIN PASSWORD ${quoteLiteral(passwords.ownerPassword)}`);
  await createRoleIfMissing(
    admin,
    RUNTIME_LOGIN_ROLE,
    `LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD ${quoteLiteral(passwords.runtimePassword)} IN ROLE ${RUNTIME_GROUP_ROLE}`,
  );
}

export async function createDatabaseIfMissing(admin: pg.Client, name: string, template?: string): Promise<void> {
  const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name]);
  if (rowCount === 0) {
    const from = template ? ` TEMPLATE ${quoteIdentifier(template)}` : '';
    await admin.query(`CREATE DATABASE ${quoteIdentifier(name)} OWNER ${OWNER_ROLE}${from}`);
  }
}

async function createRoleIfMissing(admin: pg.Client, role: string, options: string): Promise<void> {
  const { rowCount } = await admin.query('select 1 from pg_roles where rolname = $1', [role]);
  if (rowCount === 0) {
    await admin.query(`CREATE ROLE ${role} ${options}`);
  }
}

function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function quoteIdentifier(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

/** A connection URL for one of the roles on a given server. */
export function databaseUrl(server: { host: string; port: number }, role: string, password: string, database: string): string {
  return `postgres://${encodeURIComponent(role)}:${encodeURIComponent(password)}@${server.host}:${server.port}/${encodeURIComponent(database)}`;
}

import 'reflect-metadata';
import { readdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseEnvironment } from '../src/config/environment.js';
import { startEmbeddedDatabase } from '../src/platform/database/embedded-database.js';
import { COMPILED_ENTITIES, withMigrator } from '../src/platform/database/migrations.js';

/**
 * npm run migration:up | migration:down [-- --to NAME] | migration:create -- --name NAME
 * Runs as the schema owner: DATABASE_OWNER_URL, or the embedded database when DATABASE_URL is unset;
 * connects with DB_SSL (and DB_SSL_CA) like the server.
 */

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { name: { type: 'string' }, to: { type: 'string' } } });
  const command = positionals[0];
  const environment = parseEnvironment(process.env);
  const embedded = environment.DATABASE_URL
    ? undefined
    : await startEmbeddedDatabase({ dir: environment.EMBEDDED_PG_DIR, port: environment.EMBEDDED_PG_PORT, database: 'tessera' });
  const ownerUrl = environment.DATABASE_OWNER_URL ?? embedded?.ownerUrl;
  if (!ownerUrl) {
    throw new Error('Set DATABASE_OWNER_URL (the schema owner) to migrate an external database');
  }
  try {
    switch (command) {
      case 'up':
        await withMigrator(ownerUrl, (migrator) => migrator.up(), [], environment);
        break;
      case 'down':
        await withMigrator(ownerUrl, (migrator) => migrator.down(values.to ? { to: values.to } : undefined), [], environment);
        break;
      case 'create': {
        const result = await withMigrator(
          ownerUrl,
          (migrator) => migrator.create('migrations', false, false, values.name),
          COMPILED_ENTITIES,
          environment,
        );
        console.log(result.fileName ? `Created migrations/${result.fileName}` : 'No schema changes to migrate');
        await writeMigrationIndex();
        break;
      }
      default:
        throw new Error(`Unknown command "${command}": use up, down or create`);
    }
  } finally {
    await embedded?.stop();
  }
}

/** migrations/index.ts lists every migration class, so the same list runs from dist, jest and scripts. */
async function writeMigrationIndex(): Promise<void> {
  const names = (await readdir('migrations'))
    .filter((file) => /^Migration\d+.*\.ts$/.test(file))
    .map((file) => file.slice(0, -3))
    .sort();
  const imports = names.map((name) => `import { ${name} } from './${name}.js';`).join('\n');
  const entries = names.map((name) => `  { name: '${name}', class: ${name} },`).join('\n');
  await writeFile(
    'migrations/index.ts',
    `import type { MigrationObject } from '@mikro-orm/core';\n${imports}\n\n/** Every migration, oldest first. \`npm run migration:create\` rewrites this list. */\nexport const migrationsList: MigrationObject[] = [\n${entries}\n];\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

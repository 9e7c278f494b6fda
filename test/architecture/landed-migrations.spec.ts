import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Landed migrations are frozen: a database that already ran one never runs it again, so editing it
 * changes nothing there and splits the schema of old and new installations. migrations/checksums.json
 * holds the SHA-256 of every landed migration; a change is a new migration. `npm run sql:record` adds
 * new migrations to the manifest and never rewrites an existing entry.
 */
const FOLDER = join(import.meta.dirname, '..', '..', 'migrations');
const MANIFEST = join(FOLDER, 'checksums.json');
const WRITE = process.env.SQL_RECORD === 'write';

const sha256 = (file: string) =>
  createHash('sha256')
    .update(readFileSync(join(FOLDER, file)))
    .digest('hex');
const migrations = readdirSync(FOLDER)
  .filter((file) => /^Migration\d{14}_\w+\.ts$/.test(file))
  .sort();
const manifest: Record<string, string> = existsSync(MANIFEST) ? JSON.parse(readFileSync(MANIFEST, 'utf8')) : {};

if (WRITE) {
  for (const file of migrations.filter((file) => !(file in manifest))) manifest[file] = sha256(file);
  writeFileSync(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
}

it('every landed migration is unchanged', () => {
  const changed = Object.keys(manifest).filter((file) => !existsSync(join(FOLDER, file)) || sha256(file) !== manifest[file]);
  expect(changed).toEqual([]);
});

it('every migration is in the manifest (run npm run sql:record when adding one)', () => {
  expect(migrations.filter((file) => !(file in manifest))).toEqual([]);
});

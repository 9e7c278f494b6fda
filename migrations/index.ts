import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123120000_runtime_role } from './Migration20261123120000_runtime_role.js';

/** Every migration, oldest first. `npm run migration:create` appends to this list. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261123120000_runtime_role', class: Migration20261123120000_runtime_role },
];

import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123120000_runtime_role } from './Migration20261123120000_runtime_role.js';
import { Migration20261123124158_tasks } from './Migration20261123124158_tasks.js';
import { Migration20261123132020_lessons } from './Migration20261123132020_lessons.js';
import { Migration20261123142255_audit } from './Migration20261123142255_audit.js';
import { Migration20261123142718_dashboards } from './Migration20261123142718_dashboards.js';
import { Migration20261201153134_dashboard_history_contents } from './Migration20261201153134_dashboard_history_contents.js';
import { Migration20261201160055_storage_accounting } from './Migration20261201160055_storage_accounting.js';
import { Migration20261201161500_audit_chain_lock_class } from './Migration20261201161500_audit_chain_lock_class.js';
import { Migration20261201170000_stored_extents } from './Migration20261201170000_stored_extents.js';
import { Migration20261201190000_assets_and_workflows } from './Migration20261201190000_assets_and_workflows.js';
import { Migration20261201200000_projects_and_gaps } from './Migration20261201200000_projects_and_gaps.js';
import { Migration20261201202122_citus_ready_keys } from './Migration20261201202122_citus_ready_keys.js';
import { Migration20261201202232_job_leases } from './Migration20261201202232_job_leases.js';
import { Migration20261201202405_audit_sealing } from './Migration20261201202405_audit_sealing.js';
import { Migration20261201203451_lesson_lexemes } from './Migration20261201203451_lesson_lexemes.js';
import { Migration20261201230000_lesson_lexeme_trigrams } from './Migration20261201230000_lesson_lexeme_trigrams.js';

/** Every migration, oldest first. `npm run migration:create` rewrites this list. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261123120000_runtime_role', class: Migration20261123120000_runtime_role },
  { name: 'Migration20261123124158_tasks', class: Migration20261123124158_tasks },
  { name: 'Migration20261123132020_lessons', class: Migration20261123132020_lessons },
  { name: 'Migration20261123142255_audit', class: Migration20261123142255_audit },
  { name: 'Migration20261123142718_dashboards', class: Migration20261123142718_dashboards },
  { name: 'Migration20261201153134_dashboard_history_contents', class: Migration20261201153134_dashboard_history_contents },
  { name: 'Migration20261201160055_storage_accounting', class: Migration20261201160055_storage_accounting },
  { name: 'Migration20261201161500_audit_chain_lock_class', class: Migration20261201161500_audit_chain_lock_class },
  { name: 'Migration20261201170000_stored_extents', class: Migration20261201170000_stored_extents },
  { name: 'Migration20261201190000_assets_and_workflows', class: Migration20261201190000_assets_and_workflows },
  { name: 'Migration20261201200000_projects_and_gaps', class: Migration20261201200000_projects_and_gaps },
  { name: 'Migration20261201202122_citus_ready_keys', class: Migration20261201202122_citus_ready_keys },
  { name: 'Migration20261201202232_job_leases', class: Migration20261201202232_job_leases },
  { name: 'Migration20261201202405_audit_sealing', class: Migration20261201202405_audit_sealing },
  { name: 'Migration20261201203451_lesson_lexemes', class: Migration20261201203451_lesson_lexemes },
  { name: 'Migration20261201230000_lesson_lexeme_trigrams', class: Migration20261201230000_lesson_lexeme_trigrams },
];

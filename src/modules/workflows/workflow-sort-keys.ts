import { sql } from '../../platform/database/sql/sql.js';
import type { SortKey } from '../../platform/pagination/keyset.js';

/**
 * A workflow's versions, newest first, over a select whose root is the workflow (alias `w`, joined to
 * its versions as `v`): the id that breaks ties is the workflow's, the same on every row, so the
 * version alone orders the page.
 */
export const HIGHEST_VERSION_FIRST: SortKey<{ id: string; version: number }> = {
  name: 'version',
  expression: () => sql.ref('v.version'),
  type: 'int4',
  valueOf: (row) => row.version,
};

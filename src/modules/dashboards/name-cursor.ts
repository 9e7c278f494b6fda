import { encodeCursor } from '../../platform/pagination/keyset.js';
import { DashboardProblems } from './dashboard-problems.js';
import { MAX_NAME_LENGTH } from './dto/create-dashboard.dto.js';

/**
 * Cursors of the name order (A–Z, case-insensitive, then id), which the platform's keyset pages
 * (descending, typed sort values) do not cover: the same shape as theirs ([sort, value, id] as
 * base64url JSON), so a cursor of one sort is refused by the other with the same problem.
 */
export const NAME_SORT = 'name';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeNameCursor(row: { id: string; name: string }): string {
  return encodeCursor({ name: NAME_SORT, valueOf: (last: { name: string }) => last.name }, row);
}

/** The last row's name and id of the previous page; anything else is a 400. */
export function decodeNameCursor(cursor: string): { name: string; id: string } {
  try {
    const [sort, name, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (sort === NAME_SORT && typeof name === 'string' && name.length <= MAX_NAME_LENGTH && typeof id === 'string' && UUID.test(id)) {
      return { name, id };
    }
  } catch {
    // fall through: any malformed cursor gets the same answer
  }
  throw DashboardProblems.invalidCursor();
}

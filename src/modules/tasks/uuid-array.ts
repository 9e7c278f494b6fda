/** A PostgreSQL array literal of UUIDs (validated, or read from the database), to pass a list as one parameter. */
export function uuidArrayLiteral(ids: readonly string[]): string {
  return `{${ids.join(',')}}`;
}

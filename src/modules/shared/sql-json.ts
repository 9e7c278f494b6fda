/**
 * A timestamptz as JSON the way the API writes instants everywhere (`toISOString()`: UTC,
 * milliseconds, `Z`), for rows assembled into JSON by PostgreSQL. Static SQL: no input in it.
 */
export const isoInstant = (expression: string): string => `to_char(${expression} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

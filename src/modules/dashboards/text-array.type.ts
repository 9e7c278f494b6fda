import { type Platform, Type } from '@mikro-orm/core';

/**
 * A PostgreSQL text[] written by the ORM as an array constructor of escaped string literals
 * (`array['alice', ' bob ']::text[]`). MikroORM's own array type writes an array literal
 * (`'{alice, bob }'`) whose parser trims unquoted elements and reads an unquoted `null` as NULL: the
 * user id " bob " would be stored as "bob", and "null" as no user at all. Conditions on such a
 * column are written in bound SQL (the repository), never as ORM filters.
 */
export class TextArrayType extends Type<string[], string[]> {
  override convertToDatabaseValueSQL(key: string): string {
    return `array[${key}]::text[]`;
  }

  /** The pg driver parses text[] into an array; anything else is the array's text form. */
  override convertToJSValue(value: string[] | string, platform: Platform): string[] {
    return Array.isArray(value) ? value : platform.unmarshallArray(String(value));
  }

  override getColumnType(): string {
    return 'text[]';
  }

  override compareAsType(): string {
    return 'array';
  }
}

import { type Platform, raw, type RawQueryFragment, type TransformContext, Type } from '@mikro-orm/core';

/**
 * A PostgreSQL text[] written as an array constructor of escaped string literals
 * (`array['alice', ' bob ']::text[]`). MikroORM's own array type writes an array literal
 * (`'{alice, bob }'`) whose parser trims unquoted elements and reads an unquoted `null` as NULL: the
 * user id " bob " would be stored as "bob", and "null" as no user at all.
 */
export class TextArrayType extends Type<string[], string[] | RawQueryFragment> {
  /** Written as an array (each element its own quoted literal), compared in conditions ($contains…) likewise. */
  override convertToDatabaseValue(value: string[], _platform: Platform, context?: TransformContext): string[] | RawQueryFragment {
    return context?.mode === 'query' ? raw(this.convertToDatabaseValueSQL('?'), [value]) : value;
  }

  override convertToDatabaseValueSQL(key: string): string {
    return `array[${key}]::text[]`;
  }

  /** The pg driver parses text[] into an array; anything else is the array's text form. */
  override convertToJSValue(value: string[] | RawQueryFragment | string, platform: Platform): string[] {
    return Array.isArray(value) ? value : platform.unmarshallArray(String(value));
  }

  override getColumnType(): string {
    return 'text[]';
  }

  override compareAsType(): string {
    return 'array';
  }
}

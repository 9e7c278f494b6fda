import { encodeCursor } from '../../platform/pagination/keyset.js';
import { decodeNameCursor, encodeNameCursor } from './name-cursor.js';

describe('name-order cursors', () => {
  const id = '0190a5a0-0000-7000-8000-000000000001';

  it('round-trip any name, whatever its script', () => {
    for (const name of ['Sales', 'Ünïcødé 販売 📈', 'quotes \' " and \\ back']) {
      expect(decodeNameCursor(encodeNameCursor({ id, name }))).toEqual({ name, id });
    }
  });

  it.each([
    ['a cursor of the created order', encodeCursor({ name: 'recent', valueOf: () => '2026-01-01T00:00:00.000Z' }, { id })],
    ['a cursor of the updated order', encodeCursor({ name: 'updated', valueOf: () => '2026-01-01T00:00:00.000Z' }, { id })],
    ['a name past the cap', encodeCursor({ name: 'name', valueOf: () => 'x'.repeat(256) }, { id })],
    ['a bad id', encodeCursor({ name: 'name', valueOf: () => 'Sales' }, { id: 'nope' })],
    ['no JSON', 'bm90IGpzb24'],
  ])('refuses %s with a 400', (_case, cursor) => {
    expect(() => decodeNameCursor(cursor)).toThrow(expect.objectContaining({ status: 400 }) as Error);
  });
});

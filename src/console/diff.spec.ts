import { diffRows, formatBytes, renderValue } from './diff.js';

describe('console diff', () => {
  it('lists changed fields by name, marking added and removed values', () => {
    expect(
      diffRows({ title: { before: 'a', after: 'b' }, state: { before: null, after: 'queued' }, note: { before: 'x', after: null } }),
    ).toEqual([
      { field: 'note', before: '"x"', after: '—', kind: 'removed' },
      { field: 'state', before: '—', after: '"queued"', kind: 'added' },
      { field: 'title', before: '"a"', after: '"b"', kind: 'changed' },
    ]);
  });

  it('shows a value stored as a summary by its size and hash', () => {
    expect(renderValue({ summarized: true, bytes: 5000, sha256: 'ab'.repeat(32) })).toBe(
      '4.9 KiB, sha256 abababababab… (too large to store)',
    );
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MiB');
  });

  it('has no rows for an entry without changes', () => {
    expect(diffRows(undefined)).toEqual([]);
  });
});

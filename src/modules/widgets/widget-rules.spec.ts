import { assertContentWithinCap, checkedConfig, fittedBox, MAX_DASHBOARD_CONTENT_BYTES } from './widget-rules.js';

describe('widget rules', () => {
  it('fits a box whose right edge reaches the grid’s last column, and refuses one past it, naming the field', () => {
    expect(fittedBox({ x: 6, y: 3, w: 6, h: 2 }, 12, 'position')).toEqual({ x: 6, y: 3, w: 6, h: 2 });
    expect(() => fittedBox({ x: 7, y: 0, w: 6, h: 2 }, 12, '3.position')).toThrow(expect.objectContaining({ status: 400 }) as Error);
    try {
      fittedBox({ x: 7, y: 0, w: 6, h: 2 }, 12, '3.position');
    } catch (error) {
      expect((error as { getResponse(): { errors: { field: string }[] } }).getResponse().errors[0].field).toBe('3.position.w');
    }
  });

  it('keeps only the box of a richer position object', () => {
    expect(fittedBox({ x: 0, y: 0, w: 1, h: 1, extra: true } as never, 1, 'position')).toEqual({ x: 0, y: 0, w: 1, h: 1 });
  });

  it('refuses configs with inexact numbers or past 64 KiB', () => {
    expect(checkedConfig({ a: 1 })).toEqual({ a: 1 });
    expect(() => checkedConfig({ a: 2 ** 53 + 2 })).toThrow();
    expect(() => checkedConfig({ a: 'x'.repeat(64 * 1024) })).toThrow(expect.objectContaining({ status: 413 }) as Error);
  });

  it('caps a dashboard’s widget content at the limit exactly', () => {
    expect(() => assertContentWithinCap(MAX_DASHBOARD_CONTENT_BYTES)).not.toThrow();
    expect(() => assertContentWithinCap(MAX_DASHBOARD_CONTENT_BYTES + 1)).toThrow(expect.objectContaining({ status: 413 }) as Error);
  });
});

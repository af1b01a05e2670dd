import { expect } from 'vitest';

/** Every marker found in `text`, in the order given, each after the one before. */
export function expectInOrder(text: string, markers: readonly string[]): void {
  let from = 0;
  for (const marker of markers) {
    const at = text.indexOf(marker, from);
    expect(
      at,
      `${marker} after …${text.slice(Math.max(0, from - 60), from)}`,
    ).toBeGreaterThanOrEqual(from);
    from = at + marker.length;
  }
}

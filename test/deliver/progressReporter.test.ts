import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatDuration, progressReporter } from '../../src/deliver/progressReporter.js';

function capture(isTTY: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY, columns: 80 });
  let text = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  return { stream, text: () => text };
}

describe('send progress', () => {
  it('redraws one bar with count, rate and ETA on a terminal', async () => {
    const { stream, text } = capture(true);
    const progress = progressReporter(stream);
    progress.update({ done: 250, total: 1000, sentNow: 250, elapsedMs: 2500 });
    progress.finish();
    await new Promise((resolve) => setImmediate(resolve));
    const lines = text().split('\n');
    expect(lines).toHaveLength(2);
    // Redrawn in place: a carriage return before and "clear to end of line" after each draw.
    const clear = '\u001b[K';
    const draws = (lines[0] ?? '').split('\r').filter(Boolean);
    expect(draws).toHaveLength(2);
    for (const draw of draws) {
      expect(draw.endsWith(clear)).toBe(true);
      expect(draw.slice(0, -clear.length)).toMatch(/^\[#+-+\] 250\/1000 25% 100\.0\/s ETA 8s$/);
    }
  });

  it('writes a plain line every few seconds elsewhere, not one per message', async () => {
    const { stream, text } = capture(false);
    const progress = progressReporter(stream, { intervalMs: 5000 });
    for (let done = 1; done <= 500; done++)
      progress.update({ done, total: 500, sentNow: done, elapsedMs: done * 10 });
    progress.finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(text().split('\n').filter(Boolean)).toEqual([
      'sending: 1/500 0% 100.0/s ETA 5s',
      'sending: 500/500 100% 100.0/s ETA 0s',
    ]);
  });

  it('formats durations people read', () => {
    expect([formatDuration(4_400), formatDuration(75_000), formatDuration(3_725_000)]).toEqual([
      '4s',
      '1m15s',
      '1h02m',
    ]);
  });
});

import type { SendProgress } from './sendEdition.js';

export interface ProgressReporter {
  update(progress: SendProgress): void;
  /** Leave the last figures on screen and end the line. */
  finish(): void;
}

/**
 * Progress of a send: on a terminal, a bar redrawn in place with count,
 * rate and ETA; elsewhere (CI logs), one plain line every few seconds.
 */
export function progressReporter(
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
  options: { intervalMs?: number } = {},
): ProgressReporter {
  const tty = stream.isTTY === true;
  const interval = tty ? 100 : (options.intervalMs ?? 5000);
  let lastDraw = Number.NEGATIVE_INFINITY;
  let last: SendProgress | undefined;
  let drawn = false;

  const line = (p: SendProgress) => {
    const rate = p.elapsedMs > 0 ? (p.sentNow / p.elapsedMs) * 1000 : 0;
    const left = Math.max(0, p.total - p.done);
    const eta = rate > 0 ? formatDuration((left / rate) * 1000) : '–';
    const share = p.total > 0 ? p.done / p.total : 1;
    const figures = `${p.done}/${p.total} ${(share * 100).toFixed(0)}% ${rate.toFixed(1)}/s ETA ${eta}`;
    if (!tty) return `sending: ${figures}`;
    const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - figures.length - 4));
    const filled = Math.round(share * width);
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${figures}`;
  };

  return {
    update(progress) {
      last = progress;
      const now = performance.now();
      if (now - lastDraw < interval) return;
      lastDraw = now;
      stream.write(tty ? `\r${line(progress)}\u001b[K` : `${line(progress)}\n`);
      drawn = true;
    },
    finish() {
      if (!last) return;
      if (tty) stream.write(`\r${line(last)}\u001b[K\n`);
      else if (!drawn || performance.now() - lastDraw > 0) stream.write(`${line(last)}\n`);
    },
  };
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

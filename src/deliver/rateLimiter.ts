/**
 * Spreads sends evenly at `perSecond` messages a second across every
 * worker: each caller gets the next free slot. 0 means no limit.
 */
export function rateLimiter(perSecond: number): (signal?: AbortSignal) => Promise<void> {
  if (perSecond <= 0) return async () => {};
  const gap = 1000 / perSecond;
  let next = 0;
  return (signal) => {
    const now = performance.now();
    const slot = Math.max(now, next);
    next = slot + gap;
    const wait = slot - now;
    if (wait <= 0) return Promise.resolve();
    return sleep(wait, signal);
  };
}

/** A timer that an abort cuts short (it resolves; the caller checks the signal). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/deliver/workerPool.js';

/** A source handing out 1..count, then nothing. */
function numbers(count: number): () => Promise<number | undefined> {
  let n = 0;
  return async () => (n < count ? ++n : undefined);
}

describe('the worker pool', () => {
  it('handles every item once with at most N in flight, all N busy', async () => {
    let inFlight = 0;
    let most = 0;
    const handled: number[] = [];
    const pool = new WorkerPool<number>({
      concurrency: 4,
      rate: 0,
      signal: new AbortController().signal,
      next: numbers(50),
      shouldStop: () => false,
      work: async (item) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await tick();
        handled.push(item);
        inFlight--;
      },
    });
    expect(await pool.run()).toEqual([]);
    expect(handled.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(most).toBe(4);
    expect(pool.sourceDone).toBe(true);
  });

  it('takes an item set aside with `later` again, and ends only once it is handled', async () => {
    const seen: Array<number | string> = [];
    const pool: WorkerPool<number | string> = new WorkerPool<number | string>({
      concurrency: 2,
      rate: 0,
      signal: new AbortController().signal,
      next: numbers(1),
      shouldStop: () => false,
      work: async (item) => {
        seen.push(item);
        if (item === 1) pool.later('1 again', 1);
      },
    });
    expect(await pool.run()).toEqual([]);
    expect(seen).toEqual([1, '1 again']);
  });

  it('stops taking items when told to, and hands back the retries still waiting', async () => {
    let handled = 0;
    let stop = false;
    const pool: WorkerPool<number> = new WorkerPool<number>({
      concurrency: 1,
      rate: 0,
      signal: new AbortController().signal,
      next: numbers(100),
      shouldStop: () => stop,
      work: async (item) => {
        handled++;
        if (item === 3) pool.later(-3, 60_000);
        if (item === 10) stop = true;
      },
    });
    expect(await pool.run()).toEqual([-3]);
    expect(handled).toBe(10);
    expect(pool.sourceDone).toBe(false);
  });

  it('takes nothing more once aborted; the items in flight finish', async () => {
    const controller = new AbortController();
    const finished: number[] = [];
    const pool = new WorkerPool<number>({
      concurrency: 3,
      rate: 0,
      signal: controller.signal,
      next: numbers(100),
      shouldStop: () => false,
      work: async (item) => {
        if (item === 5) controller.abort();
        await tick();
        finished.push(item);
      },
    });
    await pool.run();
    expect(finished.length).toBeGreaterThanOrEqual(5);
    expect(finished.length).toBeLessThan(5 + 3);
  });

  it('raises the error of a worker that throws once the others have finished', async () => {
    const finished: number[] = [];
    const pool = new WorkerPool<number>({
      concurrency: 3,
      rate: 0,
      signal: new AbortController().signal,
      next: numbers(100),
      shouldStop: () => false,
      work: async (item) => {
        if (item === 4) throw new Error('disk full');
        await tick();
        finished.push(item);
      },
    });
    await expect(pool.run()).rejects.toThrow('disk full');
    // Those in flight when it threw finished; nobody took more after.
    expect(finished).toEqual(expect.arrayContaining([1, 2, 3]));
    expect(finished.length).toBeLessThan(4 + 3);
  });

  it('shares one rate across every worker', async () => {
    const started: number[] = [];
    const controller = new AbortController();
    let startedBeforeTheNextSlot = 0;
    const pool = new WorkerPool<number>({
      concurrency: 5,
      rate: 10,
      signal: controller.signal,
      next: numbers(5),
      shouldStop: () => false,
      work: async (item) => {
        started.push(item);
        if (item !== 1) return;
        // Every other worker is idle with work to take: only the limiter
        // (the next slot is 100 ms away for the pool as a whole) holds them.
        await tick();
        await tick();
        startedBeforeTheNextSlot = started.length;
        controller.abort();
      },
    });
    await pool.run();
    expect(startedBeforeTheNextSlot).toBe(1);
    expect(started).toEqual([1]);
  });
});

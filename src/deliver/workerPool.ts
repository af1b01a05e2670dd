import { rateLimiter, sleep } from './rateLimiter.js';

export interface WorkerPoolOptions<T> {
  /** Workers, each with one item in flight. */
  concurrency: number;
  /** Items started per second across every worker; 0 means no limit. */
  rate: number;
  /** Aborting stops taking items; those in flight finish. */
  signal: AbortSignal;
  /** Fresh work, or undefined once there is none left. Never called again after that. */
  next: () => Promise<T | undefined>;
  /** Handle one item; an item to try again later goes back through `later`. */
  work: (item: T) => Promise<void>;
  /** Stop taking items (a circuit breaker tripped, say). */
  shouldStop: () => boolean;
  /** After each item handled. */
  onEach?: () => void;
}

/**
 * N workers taking items from a source, one in flight each, at a shared
 * rate. An item waiting to be retried is set aside with `later`, so nobody
 * else waits on it; a due one goes before fresh work. A worker that throws
 * (the disk is full, say) stops the others, and `run` raises the error once
 * they have all finished, so nothing in flight is left behind.
 */
export class WorkerPool<T> {
  readonly #options: WorkerPoolOptions<T>;
  /** One limiter for every worker: the rate is the pool's, not each worker's. */
  readonly #limit: (signal?: AbortSignal) => Promise<void>;
  readonly #waiting: Array<{ item: T; dueAt: number }> = [];
  #sourceDone = false;
  #crashed = false;

  constructor(options: WorkerPoolOptions<T>) {
    this.#options = options;
    this.#limit = rateLimiter(options.rate);
  }

  /** Take `item` again once `delayMs` has passed. */
  later(item: T, delayMs: number): void {
    this.#waiting.push({ item, dueAt: performance.now() + delayMs });
  }

  /** Whether the source had no more work when the pool stopped. */
  get sourceDone(): boolean {
    return this.#sourceDone;
  }

  /**
   * Run until the source and the retries are used up, or until stopped;
   * resolves with the items still waiting for a retry.
   */
  async run(): Promise<T[]> {
    let crash: unknown;
    const guarded = async () => {
      try {
        await this.#worker();
      } catch (error) {
        crash ??= error;
        this.#crashed = true;
      }
    };
    await Promise.all(Array.from({ length: this.#options.concurrency }, guarded));
    if (this.#crashed) throw crash;
    return this.#waiting.map((w) => w.item);
  }

  #stopping(): boolean {
    return this.#options.signal.aborted || this.#crashed || this.#options.shouldStop();
  }

  async #worker(): Promise<void> {
    const { signal } = this.#options;
    while (!this.#stopping()) {
      const now = performance.now();
      const dueIndex = this.#waiting.findIndex((w) => w.dueAt <= now);
      const due = dueIndex >= 0 ? this.#waiting.splice(dueIndex, 1)[0] : undefined;
      let item = due?.item;
      if (item === undefined && !this.#sourceDone) {
        item = await this.#options.next();
        if (item === undefined) this.#sourceDone = true;
      }
      if (item === undefined) {
        if (this.#sourceDone && this.#waiting.length === 0) return;
        let soonest = Number.POSITIVE_INFINITY;
        for (const w of this.#waiting) soonest = Math.min(soonest, w.dueAt);
        await sleep(Math.max(5, Math.min(250, soonest - performance.now())), signal);
        continue;
      }
      await this.#limit(signal);
      if (this.#stopping()) {
        // A retry taken when the run stops waits with the others (the caller
        // defers them); fresh work not started stays for the next run.
        if (due) this.#waiting.push(due);
        break;
      }
      await this.#options.work(item);
      this.#options.onEach?.();
    }
  }
}

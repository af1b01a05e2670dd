import type { Transport } from '../deliver/transports/Transport.js';
import type { Store } from '../store/Store.js';
import { type CatchUpDeliveryResult, deliverCatchUps } from '../usecases/deliverCatchUps.js';

export interface CatchUpRunnerOptions {
  /** The content root: its story and `archive/` are read afresh for each run, as `publish` adds editions. */
  root: string;
  store: Store;
  secret: string;
  /** Kept open across runs (a pooled SMTP connection); its owner closes it. */
  transport: Transport;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  /** How long a `sending` row belongs to the process that claimed it (`catchUp.leaseSeconds`). */
  leaseMs: number;
  /** How often due rows (temporary failures, expired leases) are looked for. */
  sweepEveryMs: number;
  /** One structured log line; never given an address. */
  log: (entry: Record<string, unknown>) => void;
}

export interface CatchUpRunner {
  /** A subscriber's confirmation committed: mail their catch-up soon, without waiting here. */
  confirmed(subscriberId: number): void;
  /** Every due catch-up (and every one whose lease ran out), soon; then again every `sweepEveryMs`. */
  start(): void;
  /** Takes nothing new; resolves when the run in flight has finished and recorded its row. */
  close(): Promise<void>;
}

/**
 * `serve`'s catch-up emails ("the story so far"), one run at a time: a
 * confirmation is welcomed right after its commit, off the request (the
 * reader's page never waits on SMTP), and a periodic sweep picks up what a
 * run could not finish: temporary failures, and rows a killed process left
 * `sending` once their lease has run out. Runs are serialised so one process
 * never races itself; other processes on the same store are kept apart by
 * the rows' compare-and-set claims. Confirmations that pile up while a run
 * is going are taken by one sweep rather than one run each.
 */
export function catchUpRunner(options: CatchUpRunnerOptions): CatchUpRunner {
  const pending = new Set<number>();
  const controller = new AbortController();
  let sweepWanted = false;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const kick = () => {
    if (running || controller.signal.aborted) return;
    running = drain().finally(() => {
      running = undefined;
      if ((pending.size > 0 || sweepWanted) && !controller.signal.aborted) kick();
    });
  };

  async function drain(): Promise<void> {
    while (!controller.signal.aborted && (pending.size > 0 || sweepWanted)) {
      const only = pending.size === 1 && !sweepWanted ? [...pending][0] : undefined;
      pending.clear();
      sweepWanted = false;
      await runOnce(only);
    }
  }

  async function runOnce(subscriberId: number | undefined): Promise<void> {
    let result: CatchUpDeliveryResult;
    try {
      result = await deliverCatchUps({
        root: options.root,
        store: options.store,
        secret: options.secret,
        transport: options.transport,
        env: options.env,
        now: options.now,
        subscriberId,
        leaseMs: options.leaseMs,
        signal: controller.signal,
        onWarning: (text) => options.log({ event: 'catch-up-resumed', warning: text }),
      });
    } catch (error) {
      // A store gone away or the like: the rows stay as they were, for the next sweep.
      options.log({
        event: 'catch-up-error',
        code: (error as { code?: unknown }).code ?? (error as Error).name ?? 'unknown',
      });
      return;
    }
    if (result.status === 'failed') {
      // Content or template errors: file positions and rule ids, never an address.
      options.log({
        event: 'catch-up-failed',
        problems: result.problems.map((problem) => String(problem)),
      });
      return;
    }
    const { counts, stopped } = result;
    if (counts.sent + counts.failed + counts.deferred + counts.resumed > 0 || stopped)
      options.log({ event: 'catch-up', ...counts, ...(stopped ? { stopped } : {}) });
  }

  return {
    confirmed(subscriberId) {
      pending.add(subscriberId);
      kick();
    },
    start() {
      sweepWanted = true;
      kick();
      timer ??= setInterval(() => {
        sweepWanted = true;
        kick();
      }, options.sweepEveryMs);
      // The sweep never keeps the process alive on its own.
      timer.unref();
    },
    async close() {
      if (timer) clearInterval(timer);
      controller.abort();
      await running;
    },
  };
}

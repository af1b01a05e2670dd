import { verpAddress } from '../bounces/verpId.js';
import type { Config } from '../config/configSchema.js';
import { appendSuppression, suppressionFor } from '../ledger/suppressions.js';
import type { Rendered } from '../render/Rendered.js';
import { messageIdFor } from './messageIdFor.js';
import { type FailedOutcome, OutcomePolicy } from './outcomePolicy.js';
import { prepareRawMessage } from './rawMessage.js';
import type { ListedSubscriber } from './recipientQueue.js';
import type { Delivery, Transport } from './transports/Transport.js';
import { createUnsubscribeToken } from './unsubscribeToken.js';
import { WorkerPool } from './workerPool.js';

/** A recipient being tried in this run, whichever ledger holds it. */
export interface LoopItem {
  subscriber: ListedSubscriber;
  hash: string;
  /** Tries over every run, this one included (from 1). */
  attempt: number;
  /** Tries in this run: each run gets the full number of retries. */
  tries: number;
}

/** How a try ended, for the ledger to record. */
export type TryResult =
  | { status: 'sent'; code?: number | undefined; messageId: string }
  | FailedOutcome;

export interface SendLoopOptions<T extends LoopItem> {
  root: string;
  rendered: Rendered;
  config: Config;
  transport: Transport;
  secret: string;
  signal: AbortSignal;
  now: () => Date;
  /** The next recipient, or undefined once there is nobody left. */
  next: () => Promise<T | undefined>;
  /** Record that a try starts: done before the message goes to the transport. */
  sending: (item: T) => Promise<void> | void;
  /** Record how the try ended. */
  settled: (item: T, result: TryResult) => Promise<void> | void;
  onBounced?: ((subscriber: ListedSubscriber) => Promise<void>) | undefined;
  /** Recipients accepted by the transport, a hundred at a time. */
  onDelivered?: ((subscribers: readonly ListedSubscriber[]) => Promise<void>) | undefined;
  /** Called after each try and twice a second, with this run's tallies. */
  report: (tally: Tally) => void;
}

/** This run's figures. */
export interface Tally {
  /** Recipients with an outcome in this run (a retry waiting has none yet). */
  outcomes: number;
  /** Accepted by the transport in this run. */
  sentNow: number;
}

export interface SendLoopResult<T> extends Tally {
  /** Waiting for a retry when the run stopped: the caller defers them. */
  waiting: T[];
  /** Why the run stopped early, if it did (a circuit breaker, an error no retry fixes). */
  stopped?: string;
  /** The last temporary failure's reason, so a deferral never goes unexplained. */
  lastFailure?: string;
}

/**
 * The send loop both ledgers share: the message built once, each
 * recipient's copy changing only its To, Message-ID, unsubscribe token and
 * envelope sender; each try recorded as starting before the transport gets
 * it and settled after; the outcome policy's retries, suppressions and
 * circuit breakers; all on the worker pool at the configured concurrency
 * and rate. Which recipients, and where the records go, are the caller's.
 */
export async function runSendLoop<T extends LoopItem>(
  options: SendLoopOptions<T>,
): Promise<SendLoopResult<T>> {
  const { root, rendered, config, transport, secret, signal } = options;
  const { edition } = rendered;
  const build = prepareRawMessage(rendered, config);
  const bouncesDomain = config.bounces.domain;
  const policy = new OutcomePolicy({
    retries: config.send.retries,
    retryBaseMs: config.send.retryDelay * 1000,
    relay: transport.description,
  });
  const tally: Tally = { outcomes: 0, sentNow: 0 };
  let stopped: string | undefined;
  let lastFailure: string | undefined;
  const report = () => options.report(tally);

  // Who was sent to, noted a batch at a time: one write per hundred, not per message.
  const deliveredBatch = 100;
  let delivered: ListedSubscriber[] = [];
  const flushDelivered = async () => {
    const batch = delivered;
    delivered = [];
    if (batch.length > 0) await options.onDelivered?.(batch);
  };

  const attempt = async (item: T): Promise<void> => {
    const { subscriber, hash } = item;
    const message = build(subscriber, {
      token: createUnsubscribeToken(subscriber.email, secret),
      // The same per recipient and edition: a resend after a crash carries the
      // same Message-ID, which lets mail systems drop the second copy.
      messageId: messageIdFor(config.from, `${edition.id}.${hash.slice(0, 16)}`),
      date: options.now(),
      envelopeFrom: bouncesDomain && verpAddress(bouncesDomain, edition.id, hash),
    });
    await options.sending(item);
    let delivery: Delivery;
    try {
      delivery = await transport.send(message);
    } catch (error) {
      const outcome = policy.failed(error, item, signal.aborted);
      await options.settled(item, outcome);
      if (outcome.suppress) {
        await appendSuppression(
          root,
          suppressionFor(subscriber.email, 'bounced', secret, options.now()),
        );
        await options.onBounced?.(subscriber);
      }
      if (outcome.done) tally.outcomes++;
      if (outcome.temporaryReason !== undefined) lastFailure = outcome.temporaryReason;
      if (outcome.retryInMs !== undefined) {
        pool.later(
          { ...item, attempt: item.attempt + 1, tries: item.tries + 1 },
          outcome.retryInMs,
        );
      }
      stopped ??= outcome.stop;
      return;
    }
    const { code } = policy.sent(delivery.response);
    await options.settled(item, { status: 'sent', code, messageId: delivery.messageId });
    tally.outcomes++;
    tally.sentNow++;
    if (options.onDelivered) {
      delivered.push(subscriber);
      if (delivered.length >= deliveredBatch) await flushDelivered();
    }
  };

  const pool = new WorkerPool<T>({
    concurrency: config.send.concurrency,
    rate: config.send.rate,
    signal,
    next: options.next,
    work: attempt,
    shouldStop: () => stopped !== undefined,
    onEach: report,
  });
  const ticker = setInterval(report, 500);
  let waiting: T[];
  try {
    waiting = await pool.run();
  } finally {
    clearInterval(ticker);
  }
  await flushDelivered();
  return {
    ...tally,
    waiting,
    ...(stopped !== undefined ? { stopped } : {}),
    ...(lastFailure !== undefined ? { lastFailure } : {}),
  };
}

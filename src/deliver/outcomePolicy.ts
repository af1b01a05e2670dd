import { classifyFailure, retryDelayMs } from './classifyFailure.js';

/** Refusals in a row after which the run stops: the relay, not the addresses, is the likely cause. */
export const maxConsecutiveRefusals = 10;

/** Messages in a row that could not reach the relay (no SMTP reply at all) after which the run stops. */
export const maxConsecutiveUnreachable = 20;

/**
 * Runs' worth of tries a recipient gets over an edition: temporary failures
 * that never end (a full mailbox, endless greylisting) must not hold the
 * edition open for ever.
 */
export const runsBeforeGivingUp = 3;

export interface OutcomePolicyOptions {
  /** Retries per run after the first try (config `send.retries`). */
  retries: number;
  /** The first retry's delay in ms (config `send.retryDelay` × 1000); doubled each time. */
  retryBaseMs: number;
  /** The relay, for people (`Transport.description`). */
  relay: string;
  /** Jitter source for the backoff; `Math.random` unless a test fixes it. */
  random?: () => number;
}

/** Where a recipient stands: its try over every run and in this one. */
export interface Try {
  /** Tries over every run, as the journal counts them (from 1). */
  attempt: number;
  /** Tries in this run (from 1): each run gets the full number of retries. */
  tries: number;
}

/** What a message the relay accepted is journaled as. */
export interface SentOutcome {
  status: 'sent';
  /** The SMTP reply code, when the reply starts with one. */
  code?: number;
}

/** What a failed try means: the journal line, and what the run does next. */
export interface FailedOutcome {
  status: 'failed' | 'deferred' | 'retrying';
  code?: number;
  /** Failed after `runsBeforeGivingUp` runs of temporary failures. */
  gaveUp?: true;
  /** The recipient has its outcome for this run (it counts as done in progress). */
  done: boolean;
  /** A hard bounce: suppress the address for later editions. */
  suppress: boolean;
  /** For `retrying`: try again after this many ms. */
  retryInMs?: number;
  /** Why the whole run must stop now, if it must. */
  stop?: string;
  /** A temporary failure's reason, kept so a deferral never goes unexplained. */
  temporaryReason?: string;
}

/**
 * The send loop's decisions, without I/O: a relay's reply or error becomes a
 * journal status, a retry with backoff, or a reason to stop the run (the two
 * circuit breakers, which count in a row across every worker).
 */
export class OutcomePolicy {
  readonly #options: OutcomePolicyOptions;
  readonly #maxTriesPerRun: number;
  readonly #maxTriesOverall: number;
  #unreachableInARow = 0;
  #refusedInARow = 0;

  constructor(options: OutcomePolicyOptions) {
    this.#options = options;
    this.#maxTriesPerRun = options.retries + 1;
    this.#maxTriesOverall = this.#maxTriesPerRun * runsBeforeGivingUp;
  }

  /** The relay accepted the message; `response` is its reply (`250 2.0.0 OK`). */
  sent(response: string): SentOutcome {
    this.#unreachableInARow = 0;
    this.#refusedInARow = 0;
    const code = /^([2-5]\d\d)\b/.exec(response)?.[1];
    return code ? { status: 'sent', code: Number(code) } : { status: 'sent' };
  }

  /**
   * The transport threw `error` for this try. `aborted`: the run is being
   * stopped, so a temporary failure is deferred instead of retried.
   */
  failed(error: unknown, at: Try, aborted: boolean): FailedOutcome {
    const failure = classifyFailure(error);
    this.#unreachableInARow = failure.code === undefined ? this.#unreachableInARow + 1 : 0;
    this.#refusedInARow = failure.kind === 'permanent' ? this.#refusedInARow + 1 : 0;
    const code = failure.code !== undefined ? { code: failure.code } : {};
    if (failure.kind === 'fatal') {
      // The relay refuses us, not this recipient: nobody is recorded as failed for it.
      return { status: 'deferred', ...code, done: false, suppress: false, stop: failure.reason };
    }
    if (failure.kind === 'permanent') {
      // Many refusals in a row look like the relay, not the addresses: stop
      // before a misconfiguration marks the whole list as failed.
      const stop =
        this.#refusedInARow >= maxConsecutiveRefusals
          ? {
              stop: `${maxConsecutiveRefusals} recipients in a row were refused (last: ${failure.reason}); that looks like the relay, not the addresses: check it before sending again`,
            }
          : {};
      return {
        status: 'failed',
        ...code,
        done: true,
        suppress: failure.bounce === true,
        ...stop,
      };
    }
    const temporaryReason = failure.reason;
    if (at.attempt >= this.#maxTriesOverall) {
      return {
        status: 'failed',
        ...code,
        gaveUp: true,
        done: true,
        suppress: false,
        temporaryReason,
      };
    }
    if (at.tries >= this.#maxTriesPerRun || aborted) {
      return { status: 'deferred', ...code, done: true, suppress: false, temporaryReason };
    }
    const stop =
      this.#unreachableInARow >= maxConsecutiveUnreachable
        ? {
            stop: `${maxConsecutiveUnreachable} messages in a row could not reach ${this.#options.relay}: ${failure.reason}`,
          }
        : {};
    return {
      status: 'retrying',
      ...code,
      done: false,
      suppress: false,
      retryInMs: retryDelayMs(at.tries, this.#options.retryBaseMs, this.#options.random),
      temporaryReason,
      ...stop,
    };
  }
}

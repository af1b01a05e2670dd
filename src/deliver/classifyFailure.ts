/**
 * What a failed send means for the recipient and for the run:
 * - `permanent`: the server refused this recipient for good (5xx); recorded, never retried;
 * - `temporary`: 4xx, a timeout or a dropped connection; retried with backoff;
 * - `fatal`: nothing can be sent this run (bad credentials, TLS refused); stop.
 */
export interface Failure {
  kind: 'permanent' | 'temporary' | 'fatal';
  /** The SMTP reply code, when the server gave one. */
  code?: number;
  /** A short reason for people; never holds credentials or the message. */
  reason: string;
}

export function classifyFailure(error: unknown): Failure {
  const e = error as { code?: string; responseCode?: number; message?: string };
  const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const reason = (e.message ?? String(error)).split('\n')[0]?.slice(0, 200) ?? 'unknown error';
  if (e.code === 'EAUTH' || e.code === 'ETLS' || e.code === 'ENOAUTH') {
    return { kind: 'fatal', ...(code ? { code } : {}), reason };
  }
  if (code !== undefined && code >= 500) return { kind: 'permanent', code, reason };
  if (code !== undefined && code >= 400) return { kind: 'temporary', code, reason };
  return { kind: 'temporary', reason };
}

/** Hard bounces that mean the address does not exist: suppressed for every later edition. */
export function isHardBounce(failure: Failure): boolean {
  return (
    failure.kind === 'permanent' &&
    (failure.code === 550 || failure.code === 551 || failure.code === 553)
  );
}

/** Exponential backoff with jitter: base × 2^(attempt-1), times 0.5 to 1.5. */
export function retryDelayMs(
  attempt: number,
  baseMs: number,
  random: () => number = Math.random,
): number {
  return baseMs * 2 ** (attempt - 1) * (0.5 + random());
}

/**
 * What a failed send means for the recipient and for the run:
 * - `permanent`: the server refused this recipient for good (5xx to RCPT
 *   TO); recorded, never retried; `bounce` when the address does not exist
 *   (5.1.x), which also suppresses it for later editions;
 * - `temporary`: 4xx, a timeout or a dropped connection; retried with backoff;
 * - `fatal`: the relay refuses us, not the recipient (a failed login, TLS,
 *   a 5xx to MAIL FROM or to the message, a 5.7.x policy refusal), or its
 *   host name does not resolve: nothing
 *   more can be sent this run, and nobody is recorded as failed for it.
 */
export interface Failure {
  kind: 'permanent' | 'temporary' | 'fatal';
  /** The SMTP reply code, when the server gave one. */
  code?: number;
  /** The address does not exist: suppress it. */
  bounce?: boolean;
  /** A short reason for people; never holds credentials or the message. */
  reason: string;
}

interface SmtpError {
  code?: string;
  /** nodemailer keeps the resolver's code (ENOTFOUND…) here when it reports `EDNS`. */
  originalCode?: string;
  /** The host a failed DNS lookup asked for. */
  hostname?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  message?: string;
}

export function classifyFailure(error: unknown): Failure {
  const e = (error ?? {}) as SmtpError;
  const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const reply = (e.response ?? '').split('\n')[0]?.trim().slice(0, 200) ?? '';
  const reason =
    reply || ((e.message ?? String(error)).split('\n')[0]?.slice(0, 200) ?? 'unknown error');
  const withCode = code !== undefined ? { code } : {};
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH') {
    return {
      kind: 'fatal',
      ...withCode,
      reason: `the SMTP login failed; check the user and password in SMTP_URL (the server said: ${reason})`,
    };
  }
  const dnsCode = e.code === 'EDNS' ? e.originalCode : e.code;
  if (dnsCode === 'ENOTFOUND' || dnsCode === 'EAI_AGAIN') {
    // Every message would fail the same way: no retry fixes a typo in the host.
    return {
      kind: 'fatal',
      reason: `cannot resolve host ${e.hostname ?? 'of the relay'} (${dnsCode}): check SMTP_URL`,
    };
  }
  if (e.code === 'ETLS' || e.code === 'EREQUIRETLS') {
    return { kind: 'fatal', ...withCode, reason: `TLS with the relay failed (${reason})` };
  }
  if (code !== undefined && code >= 500) {
    const enhanced = /^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})\b/.exec(reply)?.[1];
    if (e.command === 'RCPT TO' && !enhanced?.startsWith('5.7.')) {
      const bounce = enhanced
        ? enhanced.startsWith('5.1.')
        : code === 550 || code === 551 || code === 553;
      return { kind: 'permanent', code, bounce, reason };
    }
    return {
      kind: 'fatal',
      code,
      reason: `the relay refuses this sender or message, not a recipient (${reason}); check the relay's settings for the From address`,
    };
  }
  if (code !== undefined && code >= 400) return { kind: 'temporary', code, reason };
  return { kind: 'temporary', reason };
}

/** Exponential backoff with jitter: base × 2^(attempt-1), times 0.5 to 1.5. */
export function retryDelayMs(
  attempt: number,
  baseMs: number,
  random: () => number = Math.random,
): number {
  return baseMs * 2 ** (attempt - 1) * (0.5 + random());
}

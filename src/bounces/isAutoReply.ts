import { headerValue } from './readMimeEntity.js';

/**
 * An automatic reply (RFC 3834: `Auto-Submitted` other than `no`) or one of
 * the older markers vacation responders still send. Asked only of messages
 * that are not delivery or feedback reports, since DSNs are themselves
 * `Auto-Submitted: auto-replied`.
 */
export function isAutoReply(headers: Map<string, string[]>): boolean {
  const autoSubmitted = headerValue(headers, 'auto-submitted')?.split(';')[0]?.trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return true;
  if (headers.has('x-autoreply') || headers.has('x-autorespond')) return true;
  const precedence = headerValue(headers, 'precedence')?.trim().toLowerCase();
  if (precedence === 'auto_reply') return true;
  const suppress = headerValue(headers, 'x-auto-response-suppress');
  // Exchange marks its out-of-office replies this way.
  if (
    suppress &&
    /\b(all|oof|autoreply)\b/i.test(suppress) &&
    /^(auto|automatic reply|out of office)/i.test(headerValue(headers, 'subject') ?? '')
  )
    return true;
  return false;
}

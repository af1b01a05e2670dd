import path from 'node:path';
import { resolveInsideRoot } from '../util/resolveInsideRoot.js';
import type { ApplyBounceEvents, BounceEvent } from './BounceEvent.js';
import { type IgnoredReason, parseBounceMessage } from './parseBounceMessage.js';
import { detectMailbox, MailboxError, type MailboxFormat, readMailbox } from './readMailbox.js';

export interface ImportBouncesOptions {
  /** `bounces.domain`: VERP ids are taken only from `bounces+<id>@` this domain. */
  bounceDomain?: string | undefined;
  /** A larger message is skipped, counted as `too-large`. Default 10 MiB. */
  maxMessageBytes?: number;
  /** Events handed to `apply` at once. Default 500. */
  batchSize?: number;
  /**
   * The content root: a mailbox path inside it must stay inside it through
   * symbolic links (the root guard). A path elsewhere is the operator's to give.
   */
  contentRoot?: string | undefined;
  /** When messages arrived, for an mbox without dates. Default now. */
  now?: () => Date;
  /** Stops between messages; what was applied stays applied. */
  signal?: AbortSignal;
}

/** Why messages gave no events, each counted. */
export type ImportIgnoredReason = IgnoredReason | 'too-large' | 'outside-mailbox' | 'not-a-file';

export interface ImportedBounces {
  format: MailboxFormat;
  /** Messages read (including the ignored ones). */
  messages: number;
  /** Events parsed and handed to `apply`. */
  events: number;
  ignored: Partial<Record<ImportIgnoredReason, number>>;
  /** As `apply` reported them, summed over batches. */
  applied: number;
  duplicates: number;
  unmatched: number;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/**
 * A bounce mailbox (a Maildir, an mbox or a folder of `.eml` files) read
 * message by message, each parsed (`parseBounceMessage`) and its events
 * handed to `apply` in batches: for users without an inbound SMTP server,
 * and for CI. Importing the same mailbox again changes nothing, since the
 * policy deduplicates by event id.
 */
export async function importBounces(
  mailbox: string,
  apply: ApplyBounceEvents,
  options: ImportBouncesOptions = {},
): Promise<ImportedBounces> {
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const batchSize = Math.max(1, options.batchSize ?? 500);
  const now = options.now ?? (() => new Date());
  const target = await guardedPath(mailbox, options.contentRoot);
  const format = await detectMailbox(target);
  const result: ImportedBounces = {
    format,
    messages: 0,
    events: 0,
    ignored: {},
    applied: 0,
    duplicates: 0,
    unmatched: 0,
  };
  let batch: BounceEvent[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const outcome = await apply(batch);
    batch = [];
    result.applied += outcome.applied;
    result.duplicates += outcome.duplicates;
    result.unmatched += outcome.unmatched;
  };
  const ignore = (reason: ImportIgnoredReason) => {
    result.ignored[reason] = (result.ignored[reason] ?? 0) + 1;
  };

  for await (const entry of readMailbox(target, format, maxMessageBytes)) {
    options.signal?.throwIfAborted();
    result.messages++;
    if ('skipped' in entry) {
      ignore(entry.skipped);
      continue;
    }
    const parsed = parseBounceMessage(entry.raw, {
      bounceDomain: options.bounceDomain,
      receivedAt: entry.receivedAt ?? now(),
    });
    if (parsed.events.length === 0) {
      ignore(parsed.ignored ?? 'not-a-report');
      continue;
    }
    result.events += parsed.events.length;
    batch.push(...parsed.events);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return result;
}

async function guardedPath(mailbox: string, contentRoot: string | undefined): Promise<string> {
  const absolute = path.resolve(mailbox);
  if (!contentRoot) return absolute;
  const relative = path.relative(path.resolve(contentRoot), absolute);
  const lexicallyInside =
    relative === '' || !(relative.startsWith('..') || path.isAbsolute(relative));
  if (!lexicallyInside) return absolute;
  const resolved = await resolveInsideRoot(contentRoot, absolute);
  if (resolved.status === 'outside')
    throw new MailboxError(
      `Unexpected ${mailbox}: a symbolic link leads out of the content root, expected a mailbox inside it (or give its real path)`,
    );
  return resolved.status === 'inside' ? resolved.realPath : absolute;
}

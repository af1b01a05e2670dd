import { lstat, open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { resolveInsideRoot } from '../util/resolveInsideRoot.js';
import { readMbox } from './readMbox.js';

export type MailboxFormat = 'maildir' | 'mbox' | 'eml-folder';

/** A message read from a mailbox, or why one was skipped. */
export type MailboxEntry =
  | { raw: Buffer; receivedAt: Date | undefined }
  | { skipped: 'too-large' | 'outside-mailbox' | 'not-a-file' };

/** The path is no mailbox storyline can read. */
export class MailboxError extends Error {
  override name = 'MailboxError';
}

/**
 * What kind of mailbox `mailbox` is: a file is an mbox; a folder with `cur/`
 * or `new/` a Maildir; any other folder a folder of `.eml` files.
 */
export async function detectMailbox(mailbox: string): Promise<MailboxFormat> {
  let stats: Awaited<ReturnType<typeof stat>>;
  try {
    stats = await stat(mailbox);
  } catch {
    throw new MailboxError(
      `Unexpected path ${mailbox}: nothing is there, expected a Maildir (cur/, new/), an mbox file or a folder of .eml files`,
    );
  }
  if (stats.isFile()) return 'mbox';
  if (!stats.isDirectory())
    throw new MailboxError(
      `Unexpected ${mailbox}: neither a file nor a folder, expected a Maildir, an mbox file or a folder of .eml files`,
    );
  for (const sub of ['cur', 'new']) {
    const inner = await stat(path.join(mailbox, sub)).catch(() => undefined);
    if (inner?.isDirectory()) return 'maildir';
  }
  return 'eml-folder';
}

/**
 * Every message of a mailbox, one at a time (an mbox is streamed, never
 * read whole). A Maildir's `new/` and `cur/` (not `tmp/`, where deliveries
 * are still being written), or a folder's `*.eml`, in name order. A
 * symbolic link inside the mailbox is followed only while it stays inside:
 * the mailbox is the operator's, its contents are whatever was delivered.
 */
export async function* readMailbox(
  mailbox: string,
  format: MailboxFormat,
  maxMessageBytes: number,
): AsyncGenerator<MailboxEntry> {
  if (format === 'mbox') {
    for await (const message of readMbox(mailbox, maxMessageBytes))
      yield 'tooLarge' in message ? { skipped: 'too-large' } : message;
    return;
  }
  const folders = format === 'maildir' ? ['new', 'cur'] : ['.'];
  for (const folder of folders) {
    const dir = path.join(mailbox, folder);
    const names = await readdir(dir).catch(() => [] as string[]);
    names.sort();
    for (const name of names) {
      if (name.startsWith('.')) continue;
      if (format === 'eml-folder' && !name.toLowerCase().endsWith('.eml')) continue;
      yield await readMessageFile(mailbox, path.join(dir, name), maxMessageBytes);
    }
  }
}

async function readMessageFile(
  mailbox: string,
  file: string,
  maxMessageBytes: number,
): Promise<MailboxEntry> {
  const link = await lstat(file).catch(() => undefined);
  if (!link) return { skipped: 'not-a-file' };
  let real = file;
  if (link.isSymbolicLink()) {
    const resolved = await resolveInsideRoot(mailbox, file);
    if (resolved.status === 'outside') return { skipped: 'outside-mailbox' };
    if (resolved.status === 'missing') return { skipped: 'not-a-file' };
    real = resolved.realPath;
  }
  const handle = await open(real, 'r').catch(() => undefined);
  if (!handle) return { skipped: 'not-a-file' };
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { skipped: 'not-a-file' };
    if (stats.size > maxMessageBytes) return { skipped: 'too-large' };
    const raw = await handle.readFile();
    if (raw.length > maxMessageBytes) return { skipped: 'too-large' };
    return { raw, receivedAt: stats.mtime };
  } finally {
    await handle.close();
  }
}

import { createHash } from 'node:crypto';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { assertWritableInsideRoot } from '../../util/assertWritableInsideRoot.js';
import { writeFileAtomic } from '../../util/writeFileAtomic.js';
import type { DkimOptions, Transport } from './Transport.js';

/**
 * The embedded default: every message becomes an `.eml` file in a folder, so
 * everything runs on a fresh machine with no mail server. A mail client
 * opens the files; tests parse them. nodemailer's stream transport signs
 * them with DKIM exactly as the SMTP transport would.
 */
export function outboxTransport(
  dir: string,
  options: {
    dkim?: DkimOptions | undefined;
    fileName?: (to: string) => string;
    /** The content root `dir` is under: no message is written through a link out of it. */
    root?: string;
  } = {},
): Transport {
  const fileName =
    options.fileName ??
    ((to: string) =>
      `${createHash('sha256').update(to.toLowerCase()).digest('hex').slice(0, 16)}.eml`);
  const stream = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
    ...(options.dkim ? { dkim: options.dkim } : {}),
  });
  return {
    description: `outbox ${dir}`,
    async send(message) {
      const info = await stream.sendMail({ envelope: message.envelope, raw: message.raw });
      const filePath = path.join(dir, fileName(message.envelope.to[0] ?? 'unknown'));
      if (options.root !== undefined) await assertWritableInsideRoot(options.root, filePath);
      await writeFileAtomic(filePath, info.message as Buffer);
      return { messageId: message.messageId, response: `written to ${filePath}` };
    },
    async close() {},
  };
}

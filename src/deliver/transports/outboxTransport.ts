import { createHash } from 'node:crypto';
import path from 'node:path';
import { writeFileAtomic } from '../../util/writeFileAtomic.js';
import { messageToEml } from '../messageToEml.js';
import type { Transport } from './Transport.js';

/**
 * The embedded default: every message becomes an `.eml` file in a folder, so
 * everything runs on a fresh machine with no mail server. A mail client
 * opens the files; tests parse them.
 */
export function outboxTransport(
  dir: string,
  options: { fileName?: (to: string) => string } = {},
): Transport {
  const fileName =
    options.fileName ??
    ((to: string) =>
      `${createHash('sha256').update(to.toLowerCase()).digest('hex').slice(0, 16)}.eml`);
  return {
    description: `outbox ${dir}`,
    async send(message) {
      const filePath = path.join(dir, fileName(message.to.address));
      await writeFileAtomic(filePath, await messageToEml(message));
      return { messageId: message.messageId, response: `written to ${filePath}` };
    },
    async close() {},
  };
}

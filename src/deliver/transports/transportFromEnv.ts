import path from 'node:path';
import type { Config } from '../../config/configSchema.js';
import { outboxTransport } from './outboxTransport.js';
import { smtpTransport } from './smtpTransport.js';
import type { Transport } from './Transport.js';

/** Where the outbox lives under a content root. */
export function outboxDir(root: string): string {
  return path.join(root, '.storyline', 'outbox');
}

/**
 * SMTP when `SMTP_URL` is set, else the outbox folder `subfolder` under
 * `.storyline/outbox/`.
 */
export function transportFromEnv(
  env: NodeJS.ProcessEnv,
  root: string,
  subfolder: string,
  config: Pick<Config, 'send'>,
): Transport {
  const url = env.SMTP_URL?.trim();
  if (url)
    return smtpTransport({ url, concurrency: config.send.concurrency, rate: config.send.rate });
  return outboxTransport(path.join(outboxDir(root), subfolder));
}

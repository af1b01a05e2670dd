import path from 'node:path';
import type { Config } from '../../config/configSchema.js';
import { dkimFromEnv } from '../dkimFromEnv.js';
import { outboxTransport } from './outboxTransport.js';
import { smtpTransport } from './smtpTransport.js';
import type { Transport } from './Transport.js';

/** Where the outbox lives under a content root. */
export function outboxDir(root: string): string {
  return path.join(root, '.storyline', 'outbox');
}

/**
 * SMTP when `SMTP_URL` is set, else the outbox folder `subfolder` under
 * `.storyline/outbox/`; DKIM-signed when `DKIM_*` are set. The send rate is
 * kept by the send loop, not the transport, so it holds for both.
 */
export function transportFromEnv(
  env: NodeJS.ProcessEnv,
  root: string,
  subfolder: string,
  config: Pick<Config, 'send'>,
): Transport {
  const url = env.SMTP_URL?.trim();
  const dkim = dkimFromEnv(env);
  if (url) return smtpTransport({ url, concurrency: config.send.concurrency, dkim });
  return outboxTransport(path.join(outboxDir(root), subfolder), { dkim });
}

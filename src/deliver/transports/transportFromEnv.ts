import path from 'node:path';
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
): Transport {
  const url = env.SMTP_URL?.trim();
  const dkim = dkimFromEnv(env);
  if (url) return smtpTransport({ url, dkim });
  return outboxTransport(path.join(outboxDir(root), subfolder), { dkim, root });
}

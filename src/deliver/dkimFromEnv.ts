import { createPrivateKey } from 'node:crypto';
import { dkimKeyPem } from './dkimKeyPem.js';
import type { DkimOptions } from './transports/Transport.js';

/**
 * DKIM settings from `DKIM_PRIVATE_KEY` (the PEM itself, or a path to it),
 * `DKIM_SELECTOR` and `DKIM_DOMAIN`: all three, or none. The key is never
 * part of a message. A key that does not parse is an error here, before
 * anything is sent: nodemailer would otherwise send every message unsigned
 * without a word, and receivers would quietly file them as spam.
 */
export function dkimFromEnv(env: NodeJS.ProcessEnv): DkimOptions | undefined {
  const key = env.DKIM_PRIVATE_KEY?.trim();
  const selector = env.DKIM_SELECTOR?.trim();
  const domain = env.DKIM_DOMAIN?.trim();
  if (!key && !selector && !domain) return undefined;
  const missing = [
    ['DKIM_PRIVATE_KEY', key],
    ['DKIM_SELECTOR', selector],
    ['DKIM_DOMAIN', domain],
  ]
    .filter(([, value]) => !value)
    .map(([name]) => name);
  if (missing.length > 0) {
    throw new Error(
      `DKIM is half configured: ${missing.join(' and ')} not set; set all three of DKIM_PRIVATE_KEY, DKIM_SELECTOR and DKIM_DOMAIN, or none`,
    );
  }
  const privateKey = dkimKeyPem(key as string);
  if (privateKey === undefined) {
    throw new Error('DKIM_PRIVATE_KEY is neither a PEM key nor a readable file holding one');
  }
  try {
    createPrivateKey(privateKey);
  } catch {
    // Neither the key nor OpenSSL's reason is quoted: both would reach the CI log.
    throw new Error(
      'DKIM_PRIVATE_KEY does not parse as a private key, expected a PEM block from `-----BEGIN PRIVATE KEY-----` to `-----END PRIVATE KEY-----` with every line and line break intact (not pasted on one line, not encrypted); set it from the file as it is, e.g. DKIM_PRIVATE_KEY="$(cat dkim.pem)", or give the path to the file',
    );
  }
  return { domainName: domain as string, keySelector: selector as string, privateKey };
}

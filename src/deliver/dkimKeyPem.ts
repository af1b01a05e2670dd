import { readFileSync } from 'node:fs';

/**
 * The PEM text of a `DKIM_PRIVATE_KEY` value, which holds either the PEM
 * itself or a path to a file holding it; `undefined` when it names no
 * readable file. Not checked to parse: that is `dkimFromEnv`'s job.
 */
export function dkimKeyPem(value: string): string | undefined {
  if (value.startsWith('-----BEGIN')) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch {
    return undefined;
  }
}

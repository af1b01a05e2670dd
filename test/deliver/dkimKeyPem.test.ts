import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { secretsIn } from '../../src/cli/redact.js';
import { dkimFromEnv } from '../../src/deliver/dkimFromEnv.js';
import { fixture } from '../helpers/fixture.js';

const pem = generateKeyPairSync('rsa', { modulusLength: 1024 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

describe('DKIM_PRIVATE_KEY as a PEM or a path', () => {
  it('is read the same way for signing and for redacting, given a path', async () => {
    // A file name that does not look like a key: the rule is "not a PEM, so a path".
    const root = await fixture({ 'secrets/dkim.key': pem });
    const env = {
      DKIM_PRIVATE_KEY: ` ${path.join(root, 'secrets/dkim.key')} `,
      DKIM_SELECTOR: 's1',
      DKIM_DOMAIN: 'example.org',
    };
    const signingKey = dkimFromEnv(env)?.privateKey;
    expect(signingKey).toBe(pem);
    expect(secretsIn(env)).toContain(pem.trim());
  });

  it('is read the same way for signing and for redacting, given the PEM itself', () => {
    const env = { DKIM_PRIVATE_KEY: `\n${pem}`, DKIM_SELECTOR: 's1', DKIM_DOMAIN: 'example.org' };
    expect(dkimFromEnv(env)?.privateKey).toBe(pem.trim());
    expect(secretsIn(env)).toContain(pem.trim());
  });
});

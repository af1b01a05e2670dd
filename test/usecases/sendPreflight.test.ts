import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { resolveSubscriberSource } from '../../src/deliver/subscriberSource.js';
import { appendSuppression, suppressionFor } from '../../src/ledger/suppressions.js';
import { sendPreflight } from '../../src/usecases/sendPreflight.js';
import { sampleFixture } from '../helpers/fixture.js';
import { secret, sendFixture } from '../helpers/sendFixture.js';

const editionId = '2014-02-10-second-round-geneva';
const loopbackRelay = 'smtp://127.0.0.1:2525';

async function preflight(root: string, env: NodeJS.ProcessEnv) {
  const { config } = await loadConfig(root);
  const source = await resolveSubscriberSource({ root, flag: undefined, env });
  return sendPreflight({ project: { root, config }, source, secret, env, editionId });
}

describe('sendPreflight', () => {
  it('lets a send start, with no warnings, when nothing stands in the way', async () => {
    const { root } = await sendFixture(3);
    expect(await preflight(root, { SMTP_URL: loopbackRelay })).toEqual({
      refusal: undefined,
      warnings: [],
    });
  });

  it('refuses SMTP without a way to unsubscribe', async () => {
    const { root } = await sendFixture(3);
    const configPath = path.join(root, 'storyline.config.json');
    const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
    delete config.unsubscribe;
    await writeFile(configPath, JSON.stringify(config));
    const { refusal } = await preflight(root, { SMTP_URL: loopbackRelay });
    expect(refusal?.kind).toBe('no-unsubscribe');
    // The outbox needs none: nothing leaves the machine.
    expect((await preflight(root, { SMTP_URL: '' })).refusal).toBeUndefined();
  });

  it('refuses the example list through a relay that is not this machine, and allows it on loopback', async () => {
    const root = await sampleFixture();
    const env = { STORYLINE_SUBSCRIBERS: '' };
    const relay = await preflight(root, { ...env, SMTP_URL: 'smtps://u:p@smtp.example.org' });
    expect(relay.refusal?.kind).toBe('example-list-on-relay');
    expect((await preflight(root, { ...env, SMTP_URL: loopbackRelay })).refusal).toBeUndefined();
  });

  it('refuses a write path that leaves the content root', async () => {
    const { root } = await sendFixture(3);
    const outside = await mkdtemp(path.join(tmpdir(), 'storyline-outside-'));
    onTestFinished(() => rm(outside, { recursive: true, force: true }));
    await symlink(outside, path.join(root, '.storyline'));
    const { refusal } = await preflight(root, { SMTP_URL: '' });
    expect(refusal?.kind).toBe('unsafe-write');
  });

  it('refuses when unsubscribes were recorded under another secret, passing on the warning', async () => {
    const { root, addresses } = await sendFixture(3);
    const other = 'another-secret-0123456789-abcdef';
    await appendSuppression(
      root,
      suppressionFor(addresses[0] as string, 'unsubscribed', other, new Date()),
    );
    const result = await preflight(root, { SMTP_URL: loopbackRelay });
    expect(result.refusal?.kind).toBe('suppressions-under-another-secret');
    expect(result.warnings.join('\n')).toContain('another STORYLINE_SECRET');
  });
});

import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { webhookSettings } from '../../src/serve/webhookSettings.js';
import { fixture, storyMd } from '../helpers/fixture.js';
import { problemsOf } from '../helpers/problems.js';

async function configWith(bounces: unknown) {
  const root = await fixture({ 'storyline.config.json': JSON.stringify({ bounces }) });
  const { config, file } = await loadConfig(root);
  expect(file.messages.map(String)).toEqual([]);
  return config;
}

const sendgridKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  .publicKey.export({ format: 'der', type: 'spki' })
  .toString('base64');

describe('bounces.webhooks and their secrets', () => {
  it('turns on no provider by default', async () => {
    const { settings, problems } = webhookSettings(await configWith(undefined), {});
    expect(problems).toEqual([]);
    expect(settings).toEqual({ bodyBytes: 1_048_576 });
  });

  it('takes each configured provider’s secret from its environment variable', async () => {
    const topic = 'arn:aws:sns:eu-west-1:123456789012:ses-bounces';
    const config = await configWith({
      webhooks: { ses: { topicArns: [topic] }, postmark: {}, mailgun: {}, sendgrid: {} },
    });
    const { settings, problems } = webhookSettings(config, {
      STORYLINE_POSTMARK_WEBHOOK_USER: 'hook',
      STORYLINE_POSTMARK_WEBHOOK_PASSWORD: 'pm-password-0123456789',
      STORYLINE_MAILGUN_SIGNING_KEY: 'mailgun-key',
      STORYLINE_SENDGRID_VERIFICATION_KEY: sendgridKey,
    });
    expect(problems).toEqual([]);
    expect(settings).toMatchObject({
      ses: { topicArns: [topic] },
      postmark: { user: 'hook', password: 'pm-password-0123456789' },
      mailgun: { signingKey: 'mailgun-key' },
    });
    expect(settings.sendgrid?.verificationKey.asymmetricKeyType).toBe('ec');
  });

  it('reports a configured provider whose secret is missing or unusable, naming the variable', async () => {
    const config = await configWith({ webhooks: { postmark: {}, mailgun: {}, sendgrid: {} } });
    const { settings, problems } = webhookSettings(config, {
      STORYLINE_POSTMARK_WEBHOOK_USER: 'hook',
      STORYLINE_SENDGRID_VERIFICATION_KEY: 'bm90IGEga2V5',
    });
    expect(problems).toEqual([
      expect.stringMatching(
        /^Unexpected bounces\.webhooks\.postmark without STORYLINE_POSTMARK_WEBHOOK_PASSWORD, expected/,
      ),
      expect.stringMatching(
        /^Unexpected bounces\.webhooks\.mailgun without STORYLINE_MAILGUN_SIGNING_KEY, expected/,
      ),
      expect.stringMatching(
        /^Unexpected STORYLINE_SENDGRID_VERIFICATION_KEY that is not a public key/,
      ),
    ]);
    expect(settings.postmark).toBeUndefined();
    expect(settings.mailgun).toBeUndefined();
    expect(settings.sendgrid).toBeUndefined();
  });

  it('reports an SNS topic that is not an ARN at its position', async () => {
    const root = await fixture({
      'story.md': storyMd,
      'storyline.config.json':
        '{ "bounces": { "webhooks": { "ses": { "topicArns": ["ses-bounces"] } } } }',
    });
    expect(await problemsOf(root)).toEqual([
      expect.stringMatching(
        /^storyline\.config\.json:1:53: Unexpected topic, expected an SNS topic ARN such as `arn:aws:sns:/,
      ),
    ]);
  });
});

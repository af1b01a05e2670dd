import type { KeyObject } from 'node:crypto';
import { sendgridVerificationKey } from '../bounces/sendgridWebhook.js';
import type { Config } from '../config/configSchema.js';

/** The providers' webhooks `serve` takes, with their secrets: what `webhookRoutes` is given. */
export interface WebhookSettings {
  bodyBytes: number;
  ses?: { topicArns: readonly string[] } | undefined;
  postmark?: { user: string; password: string } | undefined;
  mailgun?: { signingKey: string } | undefined;
  sendgrid?: { verificationKey: KeyObject } | undefined;
}

/** The environment variables holding each provider's webhook secret. */
export const webhookEnv = {
  postmarkUser: 'STORYLINE_POSTMARK_WEBHOOK_USER',
  postmarkPassword: 'STORYLINE_POSTMARK_WEBHOOK_PASSWORD',
  mailgunSigningKey: 'STORYLINE_MAILGUN_SIGNING_KEY',
  sendgridVerificationKey: 'STORYLINE_SENDGRID_VERIFICATION_KEY',
} as const;

/**
 * `bounces.webhooks` and the secrets it needs from `env`, or what is
 * missing: a provider configured without its secret is a mistake to report
 * before listening (its webhooks would all be refused), not a provider off.
 */
export function webhookSettings(
  config: Config,
  env: NodeJS.ProcessEnv,
): { settings: WebhookSettings; problems: string[] } {
  const webhooks = config.bounces.webhooks;
  const problems: string[] = [];
  const settings: WebhookSettings = { bodyBytes: webhooks.bodyBytes };
  const need = (provider: string, name: string, what: string): string | undefined => {
    const value = env[name]?.trim();
    if (!value)
      problems.push(
        `Unexpected bounces.webhooks.${provider} without ${name}, expected ${what} in that environment variable (or remove bounces.webhooks.${provider} from storyline.config.json)`,
      );
    return value || undefined;
  };
  if (webhooks.ses) settings.ses = { topicArns: webhooks.ses.topicArns };
  if (webhooks.postmark) {
    const user = need('postmark', webhookEnv.postmarkUser, 'the user name in the webhook URL');
    const password = need(
      'postmark',
      webhookEnv.postmarkPassword,
      'the password in the webhook URL (at least 16 random characters)',
    );
    if (user && password) settings.postmark = { user, password };
  }
  if (webhooks.mailgun) {
    const signingKey = need(
      'mailgun',
      webhookEnv.mailgunSigningKey,
      'the HTTP webhook signing key from Mailgun’s Webhooks page',
    );
    if (signingKey) settings.mailgun = { signingKey };
  }
  if (webhooks.sendgrid) {
    const key = need(
      'sendgrid',
      webhookEnv.sendgridVerificationKey,
      'the verification key SendGrid shows when signing is enabled',
    );
    if (key) {
      try {
        settings.sendgrid = { verificationKey: sendgridVerificationKey(key) };
      } catch {
        problems.push(
          `Unexpected ${webhookEnv.sendgridVerificationKey} that is not a public key, expected the base64 verification key SendGrid shows (an ECDSA P-256 key)`,
        );
      }
    }
  }
  return { settings, problems };
}

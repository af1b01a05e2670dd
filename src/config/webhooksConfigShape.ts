import { z } from 'zod';

/** An SNS topic's ARN: `arn:aws:sns:<region>:<account>:<name>` (and the China and GovCloud partitions). */
const topicArn = z
  .string()
  .regex(/^arn:aws(-cn|-us-gov)?:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/, {
    message:
      'Unexpected topic, expected an SNS topic ARN such as `arn:aws:sns:eu-west-1:123456789012:ses-bounces`',
  });

/**
 * `bounces.webhooks` in `storyline.config.json`: which providers' bounce and
 * complaint webhooks `serve` takes. A provider is on when its key is present;
 * its secret comes from the environment (README, "Bounces from providers").
 */
export const webhooksConfigShape = z
  .strictObject({
    /** The largest webhook body taken, in bytes: SendGrid posts events in batches. */
    bodyBytes: z.number().int().min(1024).max(16_777_216).default(1_048_576),
    /**
     * Amazon SES notifications through SNS: only messages of these topics
     * are taken (SNS signs every topic's messages, anyone's), and only their
     * subscriptions confirmed.
     */
    ses: z.strictObject({ topicArns: z.array(topicArn).min(1) }).optional(),
    /** Postmark: basic auth from `STORYLINE_POSTMARK_WEBHOOK_USER` and `_PASSWORD`. */
    postmark: z.strictObject({}).optional(),
    /** Mailgun: HMAC under `STORYLINE_MAILGUN_SIGNING_KEY`. */
    mailgun: z.strictObject({}).optional(),
    /** SendGrid's signed event webhook: `STORYLINE_SENDGRID_VERIFICATION_KEY`. */
    sendgrid: z.strictObject({}).optional(),
  })
  .prefault({});

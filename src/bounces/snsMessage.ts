import { createVerify, X509Certificate } from 'node:crypto';
import { z } from 'zod';

/**
 * An Amazon SNS message as SNS posts it to an HTTPS subscriber, and its
 * verification: SNS signs every message with a certificate it publishes on
 * its own domain, and names that certificate in the message. Anything can
 * post here and claim any URL, so the URL's shape is checked before anything
 * is fetched, and only the fields SNS signs, in its order, are verified.
 * https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html
 */
export const snsMessageSchema = z.looseObject({
  Type: z.string(),
  MessageId: z.string(),
  TopicArn: z.string(),
  Message: z.string(),
  Timestamp: z.string(),
  SignatureVersion: z.string(),
  Signature: z.string(),
  SigningCertURL: z.string(),
  Subject: z.string().optional(),
  Token: z.string().optional(),
  SubscribeURL: z.string().optional(),
});

export type SnsMessage = z.output<typeof snsMessageSchema>;

/** SNS's regional endpoints: `sns.<region>.amazonaws.com`, `.com.cn` in China. */
const snsHost = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

function snsUrl(value: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.port) return undefined;
  // As written, not as a URL parser would mend it (`..`, odd escapes): what is checked is what is fetched.
  if (url.href !== value) return undefined;
  return snsHost.test(url.hostname) ? url : undefined;
}

/** Whether a `SigningCertURL` is a certificate on SNS's own domain, so it may be fetched. */
export function isSnsCertificateUrl(value: string): boolean {
  const url = snsUrl(value);
  // One file at the top, e.g. `/SimpleNotificationService-<hex>.pem`: no query, no folders.
  return (
    url !== undefined && !url.search && !url.hash && /^\/[A-Za-z0-9_.-]+\.pem$/.test(url.pathname)
  );
}

/** Whether a `SubscribeURL` is SNS's own `ConfirmSubscription` action, so it may be fetched. */
export function isSnsSubscribeUrl(value: string): boolean {
  const url = snsUrl(value);
  return (
    url !== undefined &&
    url.pathname === '/' &&
    url.searchParams.get('Action') === 'ConfirmSubscription'
  );
}

/**
 * The text SNS signs: `Name\nvalue\n` for each signed field, in this order,
 * `Subject` only when the message has one; undefined for a type it does not
 * sign this way or a field it needs missing.
 */
export function snsStringToSign(message: SnsMessage): string | undefined {
  const fields =
    message.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : message.Type === 'SubscriptionConfirmation' || message.Type === 'UnsubscribeConfirmation'
        ? ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type']
        : undefined;
  if (!fields) return undefined;
  let text = '';
  for (const field of fields) {
    const value = (message as Record<string, unknown>)[field];
    if (value === undefined && field === 'Subject') continue;
    if (typeof value !== 'string') return undefined;
    text += `${field}\n${value}\n`;
  }
  return text;
}

/**
 * Whether `message` is signed by the certificate (PEM) its `SigningCertURL`
 * named: SignatureVersion 1 is SHA1withRSA, 2 SHA256withRSA. A certificate
 * outside its validity at `now` verifies nothing.
 */
export function verifySnsSignature(
  message: SnsMessage,
  certificatePem: string,
  now: Date,
): boolean {
  const algorithm =
    message.SignatureVersion === '1'
      ? 'RSA-SHA1'
      : message.SignatureVersion === '2'
        ? 'RSA-SHA256'
        : undefined;
  const text = snsStringToSign(message);
  if (!algorithm || text === undefined) return false;
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certificatePem);
  } catch {
    return false;
  }
  const time = now.getTime();
  if (time < Date.parse(certificate.validFrom) || time > Date.parse(certificate.validTo))
    return false;
  try {
    return createVerify(algorithm)
      .update(text, 'utf8')
      .verify(certificate.publicKey, message.Signature, 'base64');
  } catch {
    return false;
  }
}

import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ApplyBounceEvents, BounceEvent, BounceSource } from '../bounces/BounceEvent.js';
import { MailgunVerifier, mailgunEvents, mailgunPayloadSchema } from '../bounces/mailgunWebhook.js';
import { postmarkAuthorized, postmarkEvents, postmarkPayload } from '../bounces/postmarkWebhook.js';
import { sendgridEvents, sendgridSignatureValid } from '../bounces/sendgridWebhook.js';
import { sesNotificationEvents } from '../bounces/sesNotification.js';
import {
  isSnsCertificateUrl,
  isSnsSubscribeUrl,
  snsMessageSchema,
  verifySnsSignature,
} from '../bounces/snsMessage.js';
import type { WebhookSettings } from './webhookSettings.js';

export interface WebhookRoutesOptions extends WebhookSettings {
  /** Where the events go: the bounce policy. A route answers only once it has resolved. */
  apply: ApplyBounceEvents;
  /** Fetches an SNS signing certificate (PEM); only ever called with a URL on SNS's domain. */
  fetchCertificate?: (url: string) => Promise<string>;
  /** Visits an SNS `SubscribeURL` to confirm a subscription; only ever called with one on SNS's domain. */
  confirmSubscription?: (url: string) => Promise<void>;
  now?: () => Date;
  /** One structured log line; never given an address. */
  log?: (entry: Record<string, unknown>) => void;
}

const fetchTimeoutMs = 5000;

/** GETs an SNS URL: no redirects (they could lead off SNS's domain), a timeout, a small answer. */
async function fetchFromSns(url: string): Promise<string> {
  const response = await fetch(url, {
    redirect: 'error',
    signal: AbortSignal.timeout(fetchTimeoutMs),
  });
  if (!response.ok) throw new Error(`SNS answered ${response.status}`);
  const text = await response.text();
  if (text.length > 65_536) throw new Error('SNS answered more than a certificate');
  return text;
}

/**
 * Certificates by URL: SNS signs with one certificate for months, so each is
 * fetched once; a failed fetch is not kept, and only the latest few are.
 */
function cachedByUrl(fetcher: (url: string) => Promise<string>): (url: string) => Promise<string> {
  const cache = new Map<string, Promise<string>>();
  return (url) => {
    let entry = cache.get(url);
    if (!entry) {
      entry = fetcher(url);
      cache.set(url, entry);
      if (cache.size > 16) cache.delete(cache.keys().next().value as string);
      entry.catch(() => cache.delete(url));
    }
    return entry;
  };
}

/**
 * Providers' bounce and complaint webhooks, each at `POST /webhooks/<provider>`
 * and only for the providers configured (any other is a 404), each
 * authenticated as its provider documents before anything is applied:
 * a bad or missing signature is a 401 that changes nothing. Bodies are read
 * raw (SendGrid signs the bytes as sent) within their own body limit, and
 * parsed here; the answer is a 200 only once `apply` has resolved, so a
 * failure is a 5xx and the provider retries. Providers post from a few
 * addresses for every reader: no per-client rate limit.
 */
export const webhookRoutes: FastifyPluginAsync<WebhookRoutesOptions> = async (app, options) => {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  const bodyLimit = options.bodyBytes;
  const routeOptions = { bodyLimit, config: { rateLimit: false } };
  // This plugin's own context: the service's form and text parsers stay for its other routes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => {
    done(null, body);
  });

  const refuse = (reply: FastifyReply, source: BounceSource, status: number, reason: string) => {
    log({ event: 'webhook-refused', source, status, reason });
    const words: Record<number, string> = {
      400: 'Unexpected body, expected the provider’s JSON webhook payload',
      401: 'Unexpected signature or credentials, expected the ones configured for this webhook',
      403: 'Unexpected SNS topic, expected one listed in bounces.webhooks.ses.topicArns',
      503: 'The signing certificate could not be fetched; try again later',
    };
    return reply
      .code(status)
      .type('text/plain; charset=utf-8')
      .send(`${words[status] ?? 'Unexpected request'}\n`);
  };
  const accept = async (reply: FastifyReply, source: BounceSource, events: BounceEvent[]) => {
    const counts =
      events.length > 0 ? await options.apply(events) : { applied: 0, duplicates: 0, unmatched: 0 };
    log({ event: 'bounces', source, events: events.length, ...counts });
    return reply.code(200).header('Cache-Control', 'no-store').send(counts);
  };
  const bodyText = (body: unknown) => (Buffer.isBuffer(body) ? body.toString('utf8') : '');
  const parseJson = (text: string): { ok: true; value: unknown } | { ok: false } => {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch {
      return { ok: false };
    }
  };

  if (options.ses) {
    const topics = new Set(options.ses.topicArns);
    const fetchCertificate = cachedByUrl(options.fetchCertificate ?? fetchFromSns);
    const confirm =
      options.confirmSubscription ??
      (async (url: string) => {
        await fetchFromSns(url);
      });
    app.post('/webhooks/ses', routeOptions, async (request, reply) => {
      const json = parseJson(bodyText(request.body));
      if (!json.ok) return refuse(reply, 'ses', 400, 'malformed');
      const parsed = snsMessageSchema.safeParse(json.value);
      if (!parsed.success) return refuse(reply, 'ses', 401, 'unsigned');
      const message = parsed.data;
      // Before any fetch: a URL anywhere else would make this service fetch what a stranger chose.
      if (!isSnsCertificateUrl(message.SigningCertURL))
        return refuse(reply, 'ses', 401, 'certificate-url');
      let certificate: string;
      try {
        certificate = await fetchCertificate(message.SigningCertURL);
      } catch {
        return refuse(reply, 'ses', 503, 'certificate-fetch');
      }
      if (!verifySnsSignature(message, certificate, now()))
        return refuse(reply, 'ses', 401, 'bad-signature');
      // SNS signs every topic's messages, a stranger's too: only ours are taken.
      if (!topics.has(message.TopicArn)) return refuse(reply, 'ses', 403, 'unknown-topic');
      if (message.Type === 'SubscriptionConfirmation') {
        if (!message.SubscribeURL || !isSnsSubscribeUrl(message.SubscribeURL))
          return refuse(reply, 'ses', 400, 'subscribe-url');
        await confirm(message.SubscribeURL);
        log({ event: 'sns-subscription-confirmed' });
        return reply.code(200).send({ confirmed: true });
      }
      if (message.Type !== 'Notification') {
        log({ event: 'sns-message-ignored', type: message.Type });
        return reply.code(200).send({ ignored: true });
      }
      // A signed message of our topic that SES did not write (a test message from the console).
      const events = sesNotificationEvents(message.Message) ?? [];
      return accept(reply, 'ses', events);
    });
  }

  if (options.postmark) {
    const credentials = options.postmark;
    app.post('/webhooks/postmark', routeOptions, async (request, reply) => {
      if (!postmarkAuthorized(request.headers.authorization, credentials)) {
        reply.header('WWW-Authenticate', 'Basic realm="storyline webhooks"');
        return refuse(reply, 'postmark', 401, 'bad-credentials');
      }
      let payload: unknown;
      try {
        payload = postmarkPayload(bodyText(request.body));
      } catch {
        return refuse(reply, 'postmark', 400, 'malformed');
      }
      const events = postmarkEvents(payload, now());
      if (!events) return refuse(reply, 'postmark', 400, 'not-a-record');
      return accept(reply, 'postmark', events);
    });
  }

  if (options.mailgun) {
    const verifier = new MailgunVerifier(options.mailgun.signingKey, now);
    app.post('/webhooks/mailgun', routeOptions, async (request, reply) => {
      const json = parseJson(bodyText(request.body));
      if (!json.ok) return refuse(reply, 'mailgun', 400, 'malformed');
      const parsed = mailgunPayloadSchema.safeParse(json.value);
      if (!parsed.success) {
        const signed = mailgunPayloadSchema.shape.signature.safeParse(
          (json.value as { signature?: unknown } | null)?.signature,
        );
        return refuse(reply, 'mailgun', signed.success ? 400 : 401, 'not-an-event');
      }
      const verdict = verifier.verify(parsed.data.signature);
      if (verdict !== 'ok') return refuse(reply, 'mailgun', 401, verdict);
      const events = mailgunEvents(parsed.data, now());
      if (!events) return refuse(reply, 'mailgun', 400, 'not-an-event');
      try {
        return await accept(reply, 'mailgun', events);
      } catch (error) {
        // Not recorded: Mailgun's retry of this request must not be taken for a replay.
        verifier.release(parsed.data.signature.token);
        throw error;
      }
    });
  }

  if (options.sendgrid) {
    const key = options.sendgrid.verificationKey;
    app.post('/webhooks/sendgrid', routeOptions, async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const header = (name: string) => {
        const value = request.headers[name];
        return typeof value === 'string' ? value : undefined;
      };
      // The bytes as sent, before any parsing: JSON re-serialised would not verify.
      if (
        !sendgridSignatureValid(
          key,
          header('x-twilio-email-event-webhook-timestamp'),
          header('x-twilio-email-event-webhook-signature'),
          body,
        )
      )
        return refuse(reply, 'sendgrid', 401, 'bad-signature');
      const json = parseJson(body.toString('utf8'));
      if (!json.ok) return refuse(reply, 'sendgrid', 400, 'malformed');
      const events = sendgridEvents(json.value, now());
      if (!events) return refuse(reply, 'sendgrid', 400, 'not-events');
      return accept(reply, 'sendgrid', events);
    });
  }
};

import { createHmac, createSign, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApplyBounceEvents, BounceEvent } from '../../src/bounces/BounceEvent.js';
import { sendgridVerificationKey } from '../../src/bounces/sendgridWebhook.js';
import type { WebhookRoutesOptions } from '../../src/serve/webhookRoutes.js';
import { serveFixture } from '../helpers/serveFixture.js';

const fixtures = path.join(import.meta.dirname, '..', 'fixtures', 'webhooks');
const snsCertificate = readFileSync(path.join(fixtures, 'sns-test-cert.pem'), 'utf8');
const snsKey = readFileSync(path.join(fixtures, 'sns-test-key.pem'), 'utf8');
const certUrl =
  'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem';
const topic = 'arn:aws:sns:eu-west-1:123456789012:ses-bounces';
const strangersTopic = 'arn:aws:sns:eu-west-1:999999999999:someone-else';
const postmark = { user: 'postmark-hook', password: 'pm-password-0123456789' };
const mailgunKey = 'mailgun-signing-key-0123456789';
const sendgridKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const sendgridPublicKey = sendgridKeys.publicKey
  .export({ format: 'der', type: 'spki' })
  .toString('base64');

/** What the policy would be handed: every batch, as received. */
function collector(fail = false) {
  const batches: BounceEvent[][] = [];
  const apply: ApplyBounceEvents = async (events) => {
    if (fail) throw new Error('store unavailable');
    batches.push([...events]);
    return { applied: events.length, duplicates: 0, unmatched: 0 };
  };
  return { batches, apply };
}

/** The service with every provider on, the SNS fetches recorded (and answered with the test certificate). */
async function served(options: Partial<WebhookRoutesOptions> = {}) {
  const sink = collector();
  const fetched: string[] = [];
  const confirmed: string[] = [];
  const fixture = await serveFixture({
    app: {
      webhooks: {
        apply: sink.apply,
        bodyBytes: 1_048_576,
        ses: { topicArns: [topic] },
        postmark,
        mailgun: { signingKey: mailgunKey },
        sendgrid: { verificationKey: sendgridVerificationKey(sendgridPublicKey) },
        fetchCertificate: async (url) => {
          fetched.push(url);
          return snsCertificate;
        },
        confirmSubscription: async (url) => {
          confirmed.push(url);
        },
        ...options,
      },
    },
  });
  const post = (url: string, payload: string | Buffer, headers: Record<string, string> = {}) =>
    fixture.app.fastify.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', ...headers },
      payload,
    });
  return { ...fixture, batches: sink.batches, fetched, confirmed, post };
}

// ---- Amazon SES through SNS ----

/** An SNS message signed as SNS does (its documented string to sign), with the test key. */
function snsMessage(
  fields: Record<string, string>,
  version: '1' | '2' = '1',
): Record<string, string> {
  const message: Record<string, string> = {
    MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
    TopicArn: topic,
    Timestamp: '2026-03-01T11:59:58.000Z',
    SignatureVersion: version,
    SigningCertURL: certUrl,
    ...fields,
  };
  const order =
    message.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  const text = order
    .filter((name) => message[name] !== undefined)
    .map((name) => `${name}\n${message[name]}\n`)
    .join('');
  message.Signature = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256')
    .update(text)
    .sign(snsKey, 'base64');
  return message;
}

function sesNotification(body: Record<string, unknown>, version: '1' | '2' = '1') {
  return snsMessage({ Type: 'Notification', Message: JSON.stringify(body) }, version);
}

const sesMail = {
  messageId: '0102018e-ses-own-id',
  headers: [
    { name: 'Message-ID', value: '<2014-02-10-second-round.0123456789abcdef@example.org>' },
  ],
};

const sesBounce = (bounceType: string, feedbackId: string, addresses: string[]) => ({
  notificationType: 'Bounce',
  bounce: {
    bounceType,
    bounceSubType: 'General',
    bouncedRecipients: addresses.map((emailAddress) => ({
      emailAddress,
      action: 'failed',
      status: bounceType === 'Permanent' ? '5.1.1' : '4.4.7',
      diagnosticCode: 'smtp; 550 5.1.1 user unknown',
    })),
    timestamp: '2026-03-01T11:59:50.000Z',
    feedbackId,
  },
  mail: sesMail,
});

const snsPost = (app: Awaited<ReturnType<typeof served>>, message: unknown) =>
  app.post('/webhooks/ses', JSON.stringify(message), {
    'content-type': 'text/plain; charset=UTF-8',
    'x-amz-sns-message-type': String((message as { Type?: string }).Type),
  });

describe('POST /webhooks/ses: Amazon SES notifications through SNS', () => {
  it('turns signed bounce and complaint notifications into events, fetching the certificate once', async () => {
    const app = await served();
    const permanent = await snsPost(
      app,
      sesNotification(sesBounce('Permanent', 'fb-1', ['gone@example.net', 'also@example.net'])),
    );
    expect(permanent.statusCode).toBe(200);
    const transient = await snsPost(
      app,
      sesNotification(sesBounce('Transient', 'fb-2', ['full@example.net']), '2'),
    );
    expect(transient.statusCode).toBe(200);
    const undetermined = await snsPost(
      app,
      sesNotification(sesBounce('Undetermined', 'fb-3', ['odd@example.net'])),
    );
    expect(undetermined.statusCode).toBe(200);
    const complaint = await snsPost(
      app,
      sesNotification({
        notificationType: 'Complaint',
        complaint: {
          complainedRecipients: [{ emailAddress: 'angry@example.net' }],
          timestamp: '2026-03-01T11:59:51.000Z',
          feedbackId: 'fb-4',
          complaintFeedbackType: 'abuse',
        },
        mail: sesMail,
      }),
    );
    expect(complaint.statusCode).toBe(200);
    const delivery = await snsPost(
      app,
      sesNotification({ notificationType: 'Delivery', delivery: {}, mail: sesMail }),
    );
    expect(delivery.statusCode).toBe(200);

    const messageId = '<2014-02-10-second-round.0123456789abcdef@example.org>';
    expect(app.batches).toEqual([
      [
        {
          kind: 'hard',
          source: 'ses',
          recipient: { address: 'gone@example.net', messageId },
          eventId: 'fb-1/0',
          at: '2026-03-01T11:59:50.000Z',
          status: '5.1.1',
          diagnostic: 'smtp; 550 5.1.1 user unknown',
        },
        expect.objectContaining({
          kind: 'hard',
          recipient: { address: 'also@example.net', messageId },
          eventId: 'fb-1/1',
        }),
      ],
      [expect.objectContaining({ kind: 'soft', eventId: 'fb-2', status: '4.4.7' })],
      [expect.objectContaining({ kind: 'soft', eventId: 'fb-3' })],
      [
        expect.objectContaining({
          kind: 'complaint',
          source: 'ses',
          recipient: { address: 'angry@example.net', messageId },
          eventId: 'fb-4',
          at: '2026-03-01T11:59:51.000Z',
        }),
      ],
    ]);
    expect(app.fetched).toEqual([certUrl]);
  });

  it('refuses a message changed after signing with a 401, applying nothing', async () => {
    const app = await served();
    const message = sesNotification(sesBounce('Permanent', 'fb-1', ['gone@example.net']));
    message.Message = JSON.stringify(sesBounce('Permanent', 'fb-1', ['someone-else@example.net']));
    expect((await snsPost(app, message)).statusCode).toBe(401);
    const unsigned = { ...message, Signature: undefined };
    expect((await snsPost(app, unsigned)).statusCode).toBe(401);
    expect(app.batches).toEqual([]);
  });

  it('refuses a certificate URL off SNS’s domain without fetching it', async () => {
    const app = await served();
    for (const url of [
      'https://example.org/SimpleNotificationService-0123.pem',
      'https://sns.eu-west-1.amazonaws.com.evil.example/SimpleNotificationService-0123.pem',
      'http://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123.pem',
      'https://sns.eu-west-1.amazonaws.com:8443/SimpleNotificationService-0123.pem',
      'https://user@sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123.pem',
      'https://sns.eu-west-1.amazonaws.com/redirect?to=https://example.org/x.pem',
      'https://sns.eu-west-1.amazonaws.com/a/../../x.pem',
    ]) {
      const message = snsMessage({
        Type: 'Notification',
        Message: JSON.stringify(sesBounce('Permanent', 'fb-1', ['gone@example.net'])),
        SigningCertURL: url,
      });
      expect((await snsPost(app, message)).statusCode, url).toBe(401);
    }
    expect(app.fetched).toEqual([]);
    expect(app.batches).toEqual([]);
  });

  it('confirms a subscription to a configured topic, and not to any other', async () => {
    const app = await served();
    const subscribeUrl = (arn: string) =>
      `https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(arn)}&Token=2336412f37`;
    const stranger = snsMessage({
      Type: 'SubscriptionConfirmation',
      TopicArn: strangersTopic,
      Message: 'You have chosen to subscribe to the topic.',
      SubscribeURL: subscribeUrl(strangersTopic),
      Token: '2336412f37',
    });
    expect((await snsPost(app, stranger)).statusCode).toBe(403);
    expect(app.confirmed).toEqual([]);

    const ours = snsMessage(
      {
        Type: 'SubscriptionConfirmation',
        Message: 'You have chosen to subscribe to the topic.',
        SubscribeURL: subscribeUrl(topic),
        Token: '2336412f37',
      },
      '2',
    );
    expect((await snsPost(app, ours)).statusCode).toBe(200);
    expect(app.confirmed).toEqual([subscribeUrl(topic)]);
    expect(app.batches).toEqual([]);
  });

  it('refuses a signed notification from a topic not configured (SNS signs anyone’s)', async () => {
    const app = await served();
    const message = snsMessage({
      Type: 'Notification',
      TopicArn: strangersTopic,
      Message: JSON.stringify(sesBounce('Permanent', 'fb-1', ['gone@example.net'])),
    });
    expect((await snsPost(app, message)).statusCode).toBe(403);
    expect(app.batches).toEqual([]);
  });
});

// ---- Postmark ----

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('POST /webhooks/postmark', () => {
  it('turns bounce and spam-complaint records into events, keeping 64-bit ids exact', async () => {
    const app = await served();
    const authorization = basic(postmark.user, postmark.password);
    const records = [
      `{"RecordType":"Bounce","ID":4323372036854775807,"Type":"HardBounce","TypeCode":1,"MessageID":"883953f4-6105-42a2-a16a-77a8eac79483","Email":"gone@example.net","BouncedAt":"2026-03-01T11:59:54.9070259Z","Details":"smtp;550 5.1.1 unknown"}`,
      `{"RecordType":"Bounce","ID":4323372036854775808,"Type":"SoftBounce","Email":"full@example.net","BouncedAt":"2026-03-01T11:59:55Z"}`,
      `{"RecordType":"Bounce","ID":17,"Type":"AutoResponder","Email":"away@example.net","BouncedAt":"2026-03-01T11:59:55Z"}`,
      `{"RecordType":"SpamComplaint","ID":42,"Type":"SpamComplaint","Email":"angry@example.net","BouncedAt":"2026-03-01T11:59:56Z"}`,
      `{"RecordType":"Delivery","ID":43,"Email":"fine@example.net"}`,
    ];
    for (const record of records)
      expect((await app.post('/webhooks/postmark', record, { authorization })).statusCode).toBe(
        200,
      );
    expect(app.batches).toEqual([
      [
        {
          kind: 'hard',
          source: 'postmark',
          recipient: { address: 'gone@example.net' },
          eventId: '4323372036854775807',
          at: '2026-03-01T11:59:54.9070259Z',
          diagnostic: 'smtp;550 5.1.1 unknown',
        },
      ],
      [
        expect.objectContaining({
          kind: 'soft',
          recipient: { address: 'full@example.net' },
          eventId: '4323372036854775808',
        }),
      ],
      [
        expect.objectContaining({
          kind: 'complaint',
          recipient: { address: 'angry@example.net' },
          eventId: '42',
        }),
      ],
    ]);
  });

  it('refuses wrong or missing credentials with a 401, applying nothing', async () => {
    const app = await served();
    const record = `{"RecordType":"Bounce","ID":1,"Type":"HardBounce","Email":"gone@example.net"}`;
    const wrong = await app.post('/webhooks/postmark', record, {
      authorization: basic(postmark.user, `${postmark.password}x`),
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['www-authenticate']).toMatch(/^Basic /);
    expect(
      (
        await app.post('/webhooks/postmark', record, {
          authorization: basic('someone', postmark.password),
        })
      ).statusCode,
    ).toBe(401);
    expect((await app.post('/webhooks/postmark', record)).statusCode).toBe(401);
    expect(app.batches).toEqual([]);
  });
});

// ---- Mailgun ----

function mailgunBody(
  eventData: Record<string, unknown>,
  options: { timestamp?: number; token?: string; key?: string } = {},
) {
  const timestamp = String(options.timestamp ?? Date.parse('2026-03-01T11:59:30Z') / 1000);
  const token = options.token ?? `token-${String(eventData.id)}`;
  const signature = createHmac('sha256', options.key ?? mailgunKey)
    .update(timestamp + token)
    .digest('hex');
  return JSON.stringify({ signature: { timestamp, token, signature }, 'event-data': eventData });
}

const mailgunFailed = (id: string, severity: string, recipient: string) => ({
  event: 'failed',
  id,
  severity,
  reason: 'bounce',
  recipient,
  timestamp: 1772366370.5,
  message: { headers: { 'message-id': '2014-02-10-second-round.0123456789abcdef@example.org' } },
  'delivery-status': { code: 550, message: '5.1.1 The email account does not exist' },
});

describe('POST /webhooks/mailgun', () => {
  it('turns failed and complained events into events', async () => {
    const app = await served();
    const bodies = [
      mailgunBody(mailgunFailed('mg-1', 'permanent', 'gone@example.net')),
      mailgunBody(mailgunFailed('mg-2', 'temporary', 'full@example.net')),
      mailgunBody({ event: 'complained', id: 'mg-3', recipient: 'angry@example.net' }),
      mailgunBody({ event: 'delivered', id: 'mg-4', recipient: 'fine@example.net' }),
    ];
    for (const body of bodies)
      expect((await app.post('/webhooks/mailgun', body)).statusCode).toBe(200);
    const messageId = '<2014-02-10-second-round.0123456789abcdef@example.org>';
    expect(app.batches).toEqual([
      [
        {
          kind: 'hard',
          source: 'mailgun',
          recipient: { address: 'gone@example.net', messageId },
          eventId: 'mg-1',
          at: new Date(1772366370500).toISOString(),
          diagnostic: '5.1.1 The email account does not exist',
        },
      ],
      [expect.objectContaining({ kind: 'soft', eventId: 'mg-2' })],
      [
        {
          kind: 'complaint',
          source: 'mailgun',
          recipient: { address: 'angry@example.net' },
          eventId: 'mg-3',
          at: '2026-03-01T12:00:00.000Z',
        },
      ],
    ]);
  });

  it('refuses a bad signature, a stale timestamp and a replayed token with a 401', async () => {
    const app = await served();
    const event = mailgunFailed('mg-1', 'permanent', 'gone@example.net');
    const forged = mailgunBody(event, { key: 'not-the-key' });
    expect((await app.post('/webhooks/mailgun', forged)).statusCode).toBe(401);
    const stale = mailgunBody(event, { timestamp: Date.parse('2026-03-01T11:54:59Z') / 1000 });
    expect((await app.post('/webhooks/mailgun', stale)).statusCode).toBe(401);
    const unsigned = JSON.stringify({ 'event-data': event });
    expect((await app.post('/webhooks/mailgun', unsigned)).statusCode).toBe(401);
    expect(app.batches).toEqual([]);

    const genuine = mailgunBody(event);
    expect((await app.post('/webhooks/mailgun', genuine)).statusCode).toBe(200);
    expect((await app.post('/webhooks/mailgun', genuine)).statusCode).toBe(401);
    // Another event under the captured signature: the same token, refused too.
    const swapped = JSON.parse(genuine) as Record<string, unknown>;
    swapped['event-data'] = mailgunFailed('mg-9', 'permanent', 'victim@example.net');
    expect((await app.post('/webhooks/mailgun', JSON.stringify(swapped))).statusCode).toBe(401);
    expect(app.batches).toHaveLength(1);
  });

  it('answers a 5xx when the events cannot be applied, and takes Mailgun’s retry', async () => {
    let failing = true;
    const batches: BounceEvent[][] = [];
    const app = await served({
      apply: async (events) => {
        if (failing) throw new Error('store unavailable');
        batches.push([...events]);
        return { applied: events.length, duplicates: 0, unmatched: 0 };
      },
    });
    const body = mailgunBody(mailgunFailed('mg-1', 'permanent', 'gone@example.net'));
    expect((await app.post('/webhooks/mailgun', body)).statusCode).toBe(500);
    failing = false;
    expect((await app.post('/webhooks/mailgun', body)).statusCode).toBe(200);
    expect(batches).toHaveLength(1);
  });
});

// ---- SendGrid ----

function sendgridHeaders(body: Buffer, timestamp = '1772366400', key = sendgridKeys.privateKey) {
  const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp), body]), key);
  return {
    'x-twilio-email-event-webhook-signature': signature.toString('base64'),
    'x-twilio-email-event-webhook-timestamp': timestamp,
  };
}

describe('POST /webhooks/sendgrid', () => {
  // Spaced and ordered as SendGrid wrote it: only these bytes verify.
  const batch = Buffer.from(`[
  {"email":"gone@example.net","timestamp":1772366370,"smtp-id":"<2014-02-10-second-round.0123456789abcdef@example.org>","event":"bounce","type":"bounce","status":"5.1.1","reason":"550 5.1.1 unknown user","sg_event_id":"sg-1"},
  {"email":"busy@example.net","timestamp":1772366371,"event":"bounce","type":"blocked","status":"4.0.0","reason":"try later","sg_event_id":"sg-2"},
  {"email":"angry@example.net","timestamp":1772366372,"event":"spamreport","sg_event_id":"sg-3"},
  {"email":"old@example.net","timestamp":1772366373,"event":"dropped","reason":"Bounced Address","sg_event_id":"sg-4"},
  {"email":"left@example.net","timestamp":1772366374,"event":"dropped","reason":"Unsubscribed Address","sg_event_id":"sg-5"},
  {"email":"fine@example.net","timestamp":1772366375,"event":"delivered","sg_event_id":"sg-6"}
]`);

  it('verifies the raw body and turns bounce, blocked, spamreport and dropped events into events', async () => {
    const app = await served();
    const answer = await app.post('/webhooks/sendgrid', batch, sendgridHeaders(batch));
    expect(answer.statusCode).toBe(200);
    expect(app.batches).toEqual([
      [
        {
          kind: 'hard',
          source: 'sendgrid',
          recipient: {
            address: 'gone@example.net',
            messageId: '<2014-02-10-second-round.0123456789abcdef@example.org>',
          },
          eventId: 'sg-1',
          at: '2026-03-01T11:59:30.000Z',
          status: '5.1.1',
          diagnostic: '550 5.1.1 unknown user',
        },
        expect.objectContaining({ kind: 'soft', eventId: 'sg-2' }),
        expect.objectContaining({ kind: 'complaint', eventId: 'sg-3' }),
        expect.objectContaining({ kind: 'hard', eventId: 'sg-4' }),
      ],
    ]);
  });

  it('refuses a changed body, another key’s signature or no signature with a 401', async () => {
    const app = await served();
    const headers = sendgridHeaders(batch);
    const reformatted = Buffer.from(JSON.stringify(JSON.parse(batch.toString('utf8'))));
    expect((await app.post('/webhooks/sendgrid', reformatted, headers)).statusCode).toBe(401);
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    expect(
      (await app.post('/webhooks/sendgrid', batch, sendgridHeaders(batch, '1772366400', otherKey)))
        .statusCode,
    ).toBe(401);
    expect(
      (
        await app.post('/webhooks/sendgrid', batch, {
          ...headers,
          'x-twilio-email-event-webhook-timestamp': '1772366401',
        })
      ).statusCode,
    ).toBe(401);
    expect((await app.post('/webhooks/sendgrid', batch)).statusCode).toBe(401);
    expect(app.batches).toEqual([]);
  });
});

// ---- Every route ----

describe('webhook routes', () => {
  it('answers 404 for a provider not configured', async () => {
    const sink = collector();
    const fixture = await serveFixture({
      app: { webhooks: { apply: sink.apply, bodyBytes: 1_048_576, postmark } },
    });
    for (const provider of ['ses', 'mailgun', 'sendgrid']) {
      const answer = await fixture.app.fastify.inject({
        method: 'POST',
        url: `/webhooks/${provider}`,
        headers: { 'content-type': 'application/json' },
        payload: '[]',
      });
      expect(answer.statusCode, provider).toBe(404);
    }
    expect(sink.batches).toEqual([]);
  });

  it('answers 413 for a body over the limit and 400 for malformed JSON, applying nothing', async () => {
    const app = await served({ bodyBytes: 2048 });
    const authorization = basic(postmark.user, postmark.password);
    const big = `{"RecordType":"Bounce","ID":1,"Type":"HardBounce","Email":"gone@example.net","Details":"${'x'.repeat(4096)}"}`;
    expect((await app.post('/webhooks/postmark', big, { authorization })).statusCode).toBe(413);
    expect(
      (await app.post('/webhooks/postmark', '{"RecordType":"Bounce",', { authorization }))
        .statusCode,
    ).toBe(400);
    expect((await app.post('/webhooks/mailgun', '{"signature":')).statusCode).toBe(400);
    expect((await app.post('/webhooks/ses', 'not json')).statusCode).toBe(400);
    const truncated = Buffer.from('[{"event":"bounce"');
    expect(
      (await app.post('/webhooks/sendgrid', truncated, sendgridHeaders(truncated))).statusCode,
    ).toBe(400);
    expect(app.batches).toEqual([]);
  });

  it('answers a 5xx when apply fails, so the provider retries', async () => {
    const failing = collector(true);
    const app = await served({ apply: failing.apply });
    const record = `{"RecordType":"Bounce","ID":1,"Type":"HardBounce","Email":"gone@example.net"}`;
    const answer = await app.post('/webhooks/postmark', record, {
      authorization: basic(postmark.user, postmark.password),
    });
    expect(answer.statusCode).toBeGreaterThanOrEqual(500);
  });

  it('logs counts, never an address', async () => {
    const app = await served();
    await snsPost(app, sesNotification(sesBounce('Permanent', 'fb-1', ['gone@example.net'])));
    await app.post(
      '/webhooks/postmark',
      `{"RecordType":"SpamComplaint","ID":42,"Type":"SpamComplaint","Email":"angry@example.net"}`,
      { authorization: basic(postmark.user, 'wrong') },
    );
    await app.post(
      '/webhooks/mailgun',
      mailgunBody(mailgunFailed('mg-1', 'permanent', 'x@example.net')),
    );
    const logs = JSON.stringify(app.logs);
    expect(logs).not.toContain('@example.net');
    expect(app.logs).toContainEqual(
      expect.objectContaining({ event: 'bounces', source: 'ses', events: 1, applied: 1 }),
    );
    expect(app.logs).toContainEqual(
      expect.objectContaining({ event: 'webhook-refused', source: 'postmark', status: 401 }),
    );
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, createSign, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { decodeVerpId, editionTag } from '../../src/bounces/verpId.js';
import { loadConfig } from '../../src/config/loadConfig.js';
import { outboxTransport } from '../../src/deliver/transports/outboxTransport.js';
import { addressHash } from '../../src/ledger/addressHash.js';
import { createServeApp } from '../../src/serve/createServeApp.js';
import { findSubscriber } from '../../src/store/findSubscriber.js';
import { openStore } from '../../src/store/openStore.js';
import { applyBounceEvents } from '../../src/usecases/applyBounceEvents.js';
import { collectChild } from '../helpers/captureIo.js';
import { fillStore } from '../helpers/fillStore.js';
import { updateMd } from '../helpers/fixture.js';
import { postfixDsn } from '../helpers/postfixDsn.js';
import { bin, runCli } from '../helpers/runCli.js';
import { secret, sendFixture } from '../helpers/sendFixture.js';
import { startSmtpSink } from '../helpers/smtpSink.js';

const firstEdition = '2014-02-10-second-round-geneva';
const bounceDomain = 'bounces.example.org';
const fixtures = path.join(import.meta.dirname, '..', 'fixtures');
const snsCertificate = readFileSync(path.join(fixtures, 'webhooks', 'sns-test-cert.pem'), 'utf8');
const snsKey = readFileSync(path.join(fixtures, 'webhooks', 'sns-test-key.pem'), 'utf8');
const certUrl =
  'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem';
const topic = 'arn:aws:sns:eu-west-1:123456789012:ses-bounces';
const postmark = { user: 'postmark-hook', password: 'pm-password-0123456789' };
const mailgunKey = 'mailgun-signing-key-0123456789';

/** An SNS message signed as SNS does (version 1), with the committed test key. */
function snsNotification(message: unknown, certificateUrl = certUrl): Record<string, string> {
  const fields: Record<string, string> = {
    Type: 'Notification',
    MessageId: `sns-${randomBytes(6).toString('hex')}`,
    TopicArn: topic,
    Message: JSON.stringify(message),
    Timestamp: new Date().toISOString(),
    SignatureVersion: '1',
    SigningCertURL: certificateUrl,
  };
  const text = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
    .filter((name) => fields[name] !== undefined)
    .map((name) => `${name}\n${fields[name]}\n`)
    .join('');
  fields.Signature = createSign('RSA-SHA1').update(text).sign(snsKey, 'base64');
  return fields;
}

const sesBounce = (address: string, feedbackId: string, messageId: string) => ({
  notificationType: 'Bounce',
  bounce: {
    bounceType: 'Permanent',
    bounceSubType: 'General',
    bouncedRecipients: [{ emailAddress: address, action: 'failed', status: '5.1.1' }],
    timestamp: new Date().toISOString(),
    feedbackId,
  },
  mail: { messageId: 'ses-own-id', headers: [{ name: 'Message-ID', value: messageId }] },
});

function mailgunPayload(
  event: Record<string, unknown>,
  key = mailgunKey,
  token = randomBytes(16).toString('hex'),
) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return {
    signature: {
      timestamp,
      token,
      signature: createHmac('sha256', key)
        .update(timestamp + token)
        .digest('hex'),
    },
    'event-data': { timestamp: Date.now() / 1000, ...event },
  };
}

/** `storyline serve` as a process; resolves with its HTTP base URL and SMTP port once both listen. */
async function startServe(root: string, env: NodeJS.ProcessEnv) {
  const child: ChildProcess = spawn(
    process.execPath,
    [bin, 'serve', '--port', '0', '--smtp-port', '0'],
    {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const done = collectChild(child);
  const { url, smtpPort } = await new Promise<{ url: string; smtpPort: number }>(
    (resolve, reject) => {
      let said = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        said += chunk.toString('utf8');
        const match =
          /Serving \S+ at (http:\/\/127\.0\.0\.1:\d+\/).*bounces for @bounces\.example\.org on smtp:\/\/127\.0\.0\.1:(\d+)/.exec(
            said,
          );
        if (match?.[1] && match[2]) resolve({ url: match[1], smtpPort: Number(match[2]) });
      });
      child.on('exit', () => reject(new Error(`serve exited early: ${said}`)));
    },
  );
  return { child, done, url, smtpPort };
}

describe('bounces end to end: send, reports by SMTP and webhooks, the next send', () => {
  it('suppresses the 15 reported of 200 subscribers; status counts them; forged webhooks change nothing', async () => {
    const { root } = await sendFixture(0);
    const configPath = path.join(root, 'storyline.config.json');
    const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
    config.bounces = {
      domain: bounceDomain,
      webhooks: { ses: { topicArns: [topic] }, postmark: {}, mailgun: {} },
    };
    await writeFile(configPath, JSON.stringify(config));
    // The embedded store, as `send --subscribers db` and `serve` use it without STORYLINE_DATABASE_URL.
    const dbFile = path.join(root, '.storyline', 'storyline.db');
    const addresses = Array.from(
      { length: 200 },
      (_, i) => `reader${String(i).padStart(3, '0')}@example.${i % 2 ? 'com' : 'org'}`,
    );
    await fillStore({ engine: 'sqlite', file: dbFile }, addresses);
    const sink = await startSmtpSink();
    const env: NodeJS.ProcessEnv = {
      SMTP_URL: sink.url,
      STORYLINE_SECRET: secret,
      STORYLINE_POSTMARK_WEBHOOK_USER: postmark.user,
      STORYLINE_POSTMARK_WEBHOOK_PASSWORD: postmark.password,
      STORYLINE_MAILGUN_SIGNING_KEY: mailgunKey,
    };
    let serve: Awaited<ReturnType<typeof startServe>> | undefined;
    try {
      const first = await runCli(['send', '--subscribers', 'db'], { cwd: root, env });
      expect(first.code, first.stderr).toBe(0);
      expect(sink.messages).toHaveLength(200);
      const verpOf = new Map<string, string>();
      const messageIdOf = new Map<string, string>();
      for (const message of sink.messages) {
        const [rcpt = ''] = message.rcpt;
        expect(message.from).toMatch(/^bounces\+[a-z2-7]+@bounces\.example\.org$/);
        expect(decodeVerpId(message.from)).toEqual({
          tag: editionTag(firstEdition),
          hash: addressHash(rcpt, secret),
        });
        verpOf.set(rcpt, message.from);
        messageIdOf.set(rcpt, (await message.parsed()).messageId ?? '');
      }
      const byDsn = addresses.slice(0, 10);
      const [pmHard, pmComplaint, mgHard, mgComplaint, sesHard] = addresses.slice(10, 15) as [
        string,
        string,
        string,
        string,
        string,
      ];
      const untouched = addresses.slice(15);

      serve = await startServe(root, env);
      // 10 DSNs, as Postfix makes them, each to its recipient's VERP envelope.
      const relay = nodemailer.createTransport({
        host: '127.0.0.1',
        port: serve.smtpPort,
        secure: false,
        ignoreTLS: true,
      });
      for (const [i, address] of byDsn.entries()) {
        const verp = verpOf.get(address) ?? '';
        const fixture = i % 2 ? 'unreachable-failed.eml' : 'unknown-user-failed.eml';
        const info = await relay.sendMail({
          envelope: { from: '', to: [verp] },
          raw: postfixDsn(fixture, verp, address, i),
        });
        expect(info.accepted).toEqual([verp]);
      }
      relay.close();

      const post = (route: string, body: unknown, headers: Record<string, string> = {}) =>
        fetch(new URL(`webhooks/${route}`, serve?.url), {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
        });
      const basic = (user: string, password: string) => ({
        authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
      });
      const postmarkRecord = (type: string, id: number, address: string) => ({
        RecordType: type === 'SpamComplaint' ? 'SpamComplaint' : 'Bounce',
        Type: type,
        ID: id,
        Email: address,
        BouncedAt: new Date().toISOString(),
      });
      const answers = [
        await post(
          'postmark',
          postmarkRecord('HardBounce', 101, pmHard),
          basic(postmark.user, postmark.password),
        ),
        await post(
          'postmark',
          postmarkRecord('SpamComplaint', 102, pmComplaint),
          basic(postmark.user, postmark.password),
        ),
        await post(
          'mailgun',
          mailgunPayload({
            event: 'failed',
            severity: 'permanent',
            id: 'mg-event-1',
            recipient: mgHard,
            message: { headers: { 'message-id': messageIdOf.get(mgHard) } },
            'delivery-status': { 'enhanced-code': '5.1.1' },
          }),
        ),
        await post(
          'mailgun',
          mailgunPayload({ event: 'complained', id: 'mg-event-2', recipient: mgComplaint }),
        ),
      ];
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(await answer.json()).toEqual({ applied: 1, duplicates: 0, unmatched: 0 });
      }

      // Forged or replayed, each naming someone nobody reported: nothing changes.
      const [victim1, victim2, victim3, victim4, victim5] = untouched as [
        string,
        string,
        string,
        string,
        string,
      ];
      const wrongPassword = await post(
        'postmark',
        postmarkRecord('HardBounce', 201, victim1),
        basic(postmark.user, 'not-the-password-at-all'),
      );
      expect(wrongPassword.status).toBe(401);
      const wrongKey = await post(
        'mailgun',
        mailgunPayload(
          { event: 'failed', severity: 'permanent', id: 'mg-forged', recipient: victim2 },
          'someone-elses-signing-key',
        ),
      );
      expect(wrongKey.status).toBe(401);
      // A validly signed event whose id was recorded already: a replay (or a retry) counts once.
      const replayedId = await post(
        'mailgun',
        mailgunPayload({ event: 'complained', id: 'mg-event-2', recipient: victim3 }),
      );
      expect(replayedId.status).toBe(200);
      expect(await replayedId.json()).toEqual({ applied: 0, duplicates: 1, unmatched: 0 });
      const replayedPostmark = await post(
        'postmark',
        postmarkRecord('HardBounce', 101, victim3),
        basic(postmark.user, postmark.password),
      );
      expect(await replayedPostmark.json()).toEqual({ applied: 0, duplicates: 1, unmatched: 0 });
      // A mailed "DSN" for an address without its VERP envelope or our Message-ID proves nothing.
      const strangersDsn = await nodemailer
        .createTransport({
          host: '127.0.0.1',
          port: serve.smtpPort,
          secure: false,
          ignoreTLS: true,
        })
        .sendMail({
          envelope: { from: '', to: [`bounces@${bounceDomain}`] },
          raw: postfixDsn(
            'unknown-user-failed.eml',
            `bounces@${bounceDomain}`,
            victim4,
            99,
          ).replace(/^Message-ID: <[^>]+>$/gim, 'Message-ID: <not-ours@elsewhere.example>'),
        });
      expect(strangersDsn.accepted).toHaveLength(1);

      serve.child.kill('SIGTERM');
      const served = await serve.done;
      serve = undefined;
      expect(served.code, served.stderr).toBe(0);
      const log = served.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(log.find((line) => line.event === 'smtp-closed')).toMatchObject({
        accepted: 11,
        events: 11,
        deferred: 0,
      });
      for (const address of addresses) expect(served.stdout).not.toContain(address);

      // SES in process: its certificate is fetched from SNS's domain only, so
      // the spawned service could not be given the test certificate; here the
      // fetch is injected, over the same store and content root.
      const store = await openStore({ engine: 'sqlite', file: dbFile });
      try {
        const loaded = await loadConfig(root);
        const fetched: string[] = [];
        const app = await createServeApp({
          root,
          config: loaded.config,
          store,
          secret,
          transport: outboxTransport(path.join(root, '.storyline', 'outbox'), { root }),
          log: () => {},
          webhooks: {
            bodyBytes: loaded.config.bounces.webhooks.bodyBytes,
            ses: { topicArns: [topic] },
            apply: applyBounceEvents({
              root,
              config: loaded.config,
              store,
              secret,
              now: () => new Date(),
            }),
            fetchCertificate: async (url) => {
              fetched.push(url);
              return snsCertificate;
            },
          },
        });
        const ses = (message: unknown) =>
          app.fastify.inject({
            method: 'POST',
            url: '/webhooks/ses',
            headers: { 'content-type': 'text/plain', 'x-amz-sns-message-type': 'Notification' },
            payload: JSON.stringify(message),
          });
        const sesAnswer = await ses(
          snsNotification(sesBounce(sesHard, 'ses-feedback-1', messageIdOf.get(sesHard) ?? '')),
        );
        expect(sesAnswer.statusCode).toBe(200);
        expect(sesAnswer.json()).toEqual({ applied: 1, duplicates: 0, unmatched: 0 });
        const otherDomain = await ses(
          snsNotification(
            sesBounce(victim5, 'ses-feedback-2', messageIdOf.get(victim5) ?? ''),
            'https://sns.eu-west-1.amazonaws.com.attacker.example/cert.pem',
          ),
        );
        expect(otherDomain.statusCode).toBe(401);
        const badSignature = snsNotification(sesBounce(victim5, 'ses-feedback-3', 'x'));
        badSignature.Signature = Buffer.from('forged').toString('base64');
        expect((await ses(badSignature)).statusCode).toBe(401);
        // The certificate from another domain was never fetched.
        expect(fetched).toEqual([certUrl]);
        await app.close();

        const reported = [...byDsn, pmHard, pmComplaint, mgHard, mgComplaint, sesHard];
        for (const address of reported)
          expect((await findSubscriber(store, address))?.status, address).toMatch(
            /^(bounced|complained)$/,
          );
        expect((await findSubscriber(store, pmComplaint))?.status).toBe('complained');
        expect((await findSubscriber(store, mgComplaint))?.status).toBe('complained');
        for (const address of untouched)
          expect((await findSubscriber(store, address))?.status, address).toBe('active');
      } finally {
        await store.close();
      }

      await writeFile(
        path.join(root, 'updates', '2014-02-11-third-day.md'),
        updateMd('date: 2014-02-11\nheadline: Third Day in Geneva'),
      );
      sink.messages.length = 0;
      const second = await runCli(['send', '--subscribers', 'db'], { cwd: root, env });
      expect(second.code, second.stderr).toBe(0);
      const mailed = sink.messages.flatMap((message) => message.rcpt).sort();
      expect(mailed).toEqual([...untouched].sort());

      const status = await runCli(['status'], { cwd: root, env });
      expect(status.code, status.stderr).toBe(0);
      const row = status.stdout.split('\n').find((line) => line.includes(firstEdition)) ?? '';
      // 200 sent; 13 hard bounces (10 DSNs, Postmark, Mailgun, SES), no soft, 2 complaints.
      expect(row).toMatch(/\b200\b.*13 \(6\.5%\)\s+0\s+2 \(1\.0%\)$/);
      expect(status.stdout).toMatch(/185 active/);
    } finally {
      serve?.child.kill('SIGKILL');
      await sink.close();
    }
  }, 120_000);
});

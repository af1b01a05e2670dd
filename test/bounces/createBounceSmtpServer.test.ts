import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import nodemailer from 'nodemailer';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { ApplyBounceEvents } from '../../src/bounces/BounceEvent.js';
import { createBounceSmtpServer } from '../../src/bounces/createBounceSmtpServer.js';
import { bounceCollector } from '../helpers/bounceCollector.js';

const fixtures = path.join(import.meta.dirname, '../fixtures/bounces');
const bounceDomain = 'bounces.storyline.test';
const verpAddress = `bounces+edition-1.0123456789abcdef@${bounceDomain}`;

function fixture(name: string): Buffer {
  return readFileSync(path.join(fixtures, name));
}

async function startServer(
  apply: ApplyBounceEvents,
  options: { maxMessageBytes?: number; maxParallel?: number } = {},
) {
  const server = createBounceSmtpServer({ bounceDomain, apply, ...options });
  const port = await server.listen(0, '127.0.0.1');
  onTestFinished(() => server.close());
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: 8,
  });
  onTestFinished(() => transport.close());
  const deliver = (raw: Buffer, to: string | string[] = verpAddress) =>
    transport.sendMail({ envelope: { from: '', to }, raw });
  return { server, deliver };
}

/** The SMTP reply code a refused delivery got. */
async function refusal(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
  } catch (error) {
    return (error as { responseCode?: number }).responseCode;
  }
  throw new Error('the delivery was accepted');
}

describe('createBounceSmtpServer', () => {
  it('takes a DSN for the bounce domain and hands its event to apply, with the VERP id from the envelope', async () => {
    const collector = bounceCollector();
    const { server, deliver } = await startServer(collector.apply);
    const info = await deliver(fixture('postfix/unknown-user-failed.eml'));
    expect(info.response).toMatch(/^250 /);
    expect(collector.events()).toMatchObject([
      {
        kind: 'hard',
        source: 'dsn',
        status: '5.1.1',
        recipient: { verp: 'edition-1.0123456789abcdef', address: 'nosuchuser@mta.storyline.test' },
      },
    ]);
    expect(server.counts).toMatchObject({ accepted: 1, events: 1 });
  });

  it('refuses recipients outside the bounce domain with 550, and applies nothing', async () => {
    const collector = bounceCollector();
    const { server, deliver } = await startServer(collector.apply);
    expect(
      await refusal(
        deliver(fixture('postfix/unknown-user-failed.eml'), 'someone@elsewhere.example'),
      ),
    ).toBe(550);
    expect(
      await refusal(
        deliver(fixture('postfix/unknown-user-failed.eml'), `bounces+x@sub.${bounceDomain}`),
      ),
    ).toBe(550);
    expect(collector.batches).toEqual([]);
    expect(server.counts).toMatchObject({ accepted: 0, refusedRecipients: 2 });
  });

  it('refuses a message over maxMessageBytes with 552, and applies nothing', async () => {
    const collector = bounceCollector();
    const { server, deliver } = await startServer(collector.apply, { maxMessageBytes: 8_000 });
    const big = Buffer.concat([
      fixture('handwritten/arf-complaint.eml'),
      Buffer.from(`${'x'.repeat(76)}\n`.repeat(200)),
    ]);
    expect(await refusal(deliver(big))).toBe(552);
    expect(collector.batches).toEqual([]);
    expect(server.counts.tooLarge).toBe(1);
    // The connection is still good for the next one.
    await deliver(fixture('handwritten/arf-complaint.eml'));
    expect(collector.events()).toMatchObject([{ kind: 'complaint' }]);
  });

  it('accepts an auto-reply and ordinary mail with 250 and applies nothing', async () => {
    const collector = bounceCollector();
    const { server, deliver } = await startServer(collector.apply);
    expect((await deliver(fixture('handwritten/auto-reply.eml'))).response).toMatch(/^250 /);
    expect(
      (await deliver(Buffer.from('From: a@example.net\nSubject: hi\n\nhello\n'))).response,
    ).toMatch(/^250 /);
    expect(collector.batches).toEqual([]);
    expect(server.counts).toMatchObject({
      accepted: 2,
      events: 0,
      ignored: { 'auto-reply': 1, 'not-a-report': 1 },
    });
  });

  it('answers 451 when apply throws, so the sender retries, and the retry is applied once', async () => {
    const collector = bounceCollector();
    collector.failNext = 1;
    const { server, deliver } = await startServer(collector.apply);
    const dsn = fixture('handwritten/exchange-dsn.eml');
    expect(await refusal(deliver(dsn))).toBe(451);
    expect(collector.batches).toEqual([]);
    await deliver(dsn);
    // A sender that retries although we answered 250 (a lost reply): still one event applied.
    await deliver(dsn);
    expect(collector.events()).toHaveLength(2);
    expect(new Set(collector.events().map((e) => e.eventId)).size).toBe(1);
    expect(server.counts).toMatchObject({ deferred: 1, accepted: 2 });
  });

  it('parses and applies at most maxParallel messages at once under a burst', async () => {
    let inFlight = 0;
    let most = 0;
    const collector = bounceCollector();
    const apply: ApplyBounceEvents = async (events) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await sleep(5);
      inFlight--;
      return collector.apply(events);
    };
    const { server, deliver } = await startServer(apply, { maxParallel: 2 });
    const dsn = fixture('postfix/unknown-user-failed.eml');
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        deliver(dsn, `bounces+edition-1.${String(i).padStart(16, '0')}@${bounceDomain}`),
      ),
    );
    expect(collector.events()).toHaveLength(40);
    expect(new Set(collector.events().map((e) => e.recipient.verp)).size).toBe(40);
    expect(most).toBeLessThanOrEqual(2);
    expect(server.counts.accepted).toBe(40);
  });
});

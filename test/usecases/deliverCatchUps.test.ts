import { generateKeyPairSync } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyUnsubscribeToken } from '../../src/deliver/unsubscribeToken.js';
import { claimNextCatchUp } from '../../src/store/claimCatchUp.js';
import { findSubscriber } from '../../src/store/findSubscriber.js';
import { isSuppressed } from '../../src/store/isSuppressed.js';
import { listCatchUps } from '../../src/store/listCatchUps.js';
import type { Store } from '../../src/store/Store.js';
import { setStatus } from '../../src/store/setStatus.js';
import { streamActive } from '../../src/store/streamActive.js';
import {
  type DeliverCatchUpsOptions,
  deliverCatchUps,
} from '../../src/usecases/deliverCatchUps.js';
import {
  catchUpNow,
  catchUpStory,
  confirmSubscriber,
  editionStarts,
} from '../helpers/catchUpFixture.js';
import { expectInOrder } from '../helpers/expectInOrder.js';
import { headersOf, only } from '../helpers/headersOf.js';
import { openTracked } from '../helpers/openTracked.js';
import { findPostgresBin, usePostgresDatabases } from '../helpers/postgresCluster.js';
import { type SinkMessage, type SmtpSink, startSmtpSink } from '../helpers/smtpSink.js';

const secret = 'catch-up-test-secret-0123456789';
const minutes = (n: number) => n * 60_000;
const shifted = (date: Date, ms: number) => new Date(date.getTime() + ms);

const postgres = findPostgresBin();
if ('missing' in postgres) console.log(postgres.missing);

/** The catch-up story in a temporary content root, with its SQLite store. */
async function storyWithStore(): Promise<{ root: string; store: Store }> {
  const root = await catchUpStory();
  const store = await openTracked({
    engine: 'sqlite',
    file: path.join(root, '.storyline', 'storyline.db'),
  });
  return { root, store };
}

function messagesTo(sink: SmtpSink, address: string): SinkMessage[] {
  return sink.messages.filter((message) => message.rcpt.includes(address));
}

async function textTo(sink: SmtpSink, address: string): Promise<string> {
  const [message] = messagesTo(sink, address);
  if (!message) throw new Error(`nothing was sent to ${address}`);
  return (await message.parsed()).text ?? '';
}

describe('the catch-up email', () => {
  let sink: SmtpSink;
  beforeEach(async () => {
    sink = await startSmtpSink({
      onRcpt: (address, attempt) => {
        if (address.startsWith('gone@')) return { code: 550, message: '5.1.1 No such user' };
        if (address.startsWith('busy@') && attempt === 1) return { code: 451 };
        return undefined;
      },
    });
  });
  afterEach(() => sink.close());

  const deliver = (
    store: Store,
    root: string,
    more: Partial<DeliverCatchUpsOptions> & { env?: NodeJS.ProcessEnv } = {},
  ) =>
    deliverCatchUps({
      store,
      root,
      secret,
      now: () => catchUpNow,
      ...more,
      env: { SMTP_URL: sink.url, ...more.env },
    });

  it('mails the headline, the dek, the updates newest first (in full, then dated headlines), the base story and the byline, with an edition’s headers and DKIM', async () => {
    const { root, store } = await storyWithStore();
    await confirmSubscriber(
      store,
      'ada@example.org',
      shifted(editionStarts.third, minutes(60)),
      'Ada',
    );
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const dnsRecord = `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;

    const result = await deliver(store, root, {
      env: {
        DKIM_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        DKIM_SELECTOR: 'catchup',
        DKIM_DOMAIN: 'example.org',
      },
    });
    expect(result).toEqual({
      status: 'finished',
      counts: { sent: 1, failed: 0, deferred: 0, resumed: 0 },
    });

    const [message] = sink.messages as [SinkMessage];
    expect(message.rcpt).toEqual(['ada@example.org']);
    const parsed = await message.parsed();
    expect(parsed.subject).toBe('The story so far: Talks Resume in Geneva');
    expect(parsed.from?.text).toBe(`"The Brief" <brief@example.org>`);
    expect(parsed.replyTo?.text).toBe(`"Newsroom" <newsroom@example.org>`);
    expect(parsed.to && 'text' in parsed.to ? parsed.to.text : '').toContain('ada@example.org');

    const text = parsed.text ?? '';
    expectInOrder(text, [
      'View it in your browser: https://example.org/story/\n',
      'Talks Resume in Geneva\n=',
      'Dekline',
      'Update 2/4/2014:',
      'Updatefour a second round began.',
      'Update 2/3/2014:',
      'Updatethree the talks moved to Geneva.',
      'Earlier updates',
      'Update 2/2/2014: Updatetwo in short.',
      'Update 2/1/2014: Updateone delegates arrived.',
      'Basestory',
      'Bylinewriter Skaar',
    ]);
    // In full only once each; nothing pending, no draft.
    expect(text.split('Updatefour').length - 1).toBe(1);
    expect(text).not.toContain('Updatetwo the first round ended.');
    expect(text).not.toContain('Updatefive');
    expect(text).not.toContain('Updatedraft');
    // The HTML in the same order (its preheader, hidden at the top, is the newest update's first sentence).
    expectInOrder(String(parsed.html), [
      '<h1',
      'Talks Resume in Geneva',
      'Dekline',
      'Updatethree the talks moved',
      'Earlier updates',
      'Updatetwo in short.',
      'Updateone delegates arrived.',
      'Basestory',
      'Bylinewriter Skaar',
    ]);

    const headers = headersOf(message.raw);
    const unsubscribe = only(headers, 'list-unsubscribe');
    const token = /^<https:\/\/example\.org\/story\/unsubscribe\?token=([\w.-]+)>$/.exec(
      unsubscribe,
    )?.[1];
    expect(token, unsubscribe).toBeDefined();
    expect(verifyUnsubscribeToken(token ?? '', secret)).toBe('ada@example.org');
    expect(only(headers, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(only(headers, 'list-id')).toBe('The Brief <story.example.org>');
    const [row] = await listCatchUps(store);
    expect(row).toMatchObject({ status: 'sent', attempt: 1, sentAt: catchUpNow.toISOString() });
    expect(only(headers, 'message-id')).toBe(row?.messageId);
    expect(row?.messageId).toMatch(/^<catch-up\.\d+\.[a-z0-9]+@example\.org>$/);

    const resolver = async (name: string, type: string) => {
      if (type === 'TXT' && name === 'catchup._domainkey.example.org') return [[dnsRecord]];
      throw Object.assign(new Error(`no ${type} record for ${name}`), { code: 'ENOTFOUND' });
    };
    const dkim = await dkimVerify(message.raw, { resolver });
    expect(dkim.results[0]?.status.result).toBe('pass');
  });

  it('gives a reader confirmed after an edition began its update; one confirmed before gets it from the edition instead', async () => {
    const { root, store } = await storyWithStore();
    const started = editionStarts.third;
    await confirmSubscriber(store, 'before@example.org', shifted(started, -minutes(1)));
    await confirmSubscriber(store, 'after@example.org', shifted(started, minutes(1)));

    // The edition still sending lists who was active when it began, as `send` does.
    const listed: string[] = [];
    for await (const subscriber of streamActive(store, 1000, started))
      listed.push(subscriber.address);
    expect(listed).toEqual(['before@example.org']);

    const result = await deliver(store, root);
    expect(result).toMatchObject({ status: 'finished', counts: { sent: 2 } });
    const before = await textTo(sink, 'before@example.org');
    expect(before).toContain('Updatethree');
    expect(before).not.toContain('Updatefour');
    const afterText = await textTo(sink, 'after@example.org');
    expectInOrder(afterText, ['Updatefour', 'Updatethree']);
  });

  it('sends each catch-up once: one reader at once on request, the rest after, and nothing on a second run', async () => {
    const { root, store } = await storyWithStore();
    const ada = await confirmSubscriber(store, 'ada@example.org', shifted(editionStarts.third, 1));
    await confirmSubscriber(store, 'bob@example.org', shifted(editionStarts.third, 2));
    expect(await deliver(store, root, { subscriberId: ada })).toMatchObject({
      counts: { sent: 1 },
    });
    expect(sink.messages.flatMap((message) => message.rcpt)).toEqual(['ada@example.org']);
    expect(await deliver(store, root)).toMatchObject({ counts: { sent: 1 } });
    expect(await deliver(store, root)).toEqual({
      status: 'finished',
      counts: { sent: 0, failed: 0, deferred: 0, resumed: 0 },
    });
    expect([...sink.countByAddress()]).toEqual([
      ['ada@example.org', 1],
      ['bob@example.org', 1],
    ]);
  });

  it('finishes a catch-up a killed process left sending, once its lease ran out, with the same Message-ID, and says so', async () => {
    const { root, store } = await storyWithStore();
    await confirmSubscriber(store, 'ada@example.org', shifted(editionStarts.third, 1));
    // What a process killed after claiming (and perhaps after the relay's 250) leaves behind.
    const crashed = await claimNextCatchUp(store, {
      now: shifted(catchUpNow, -minutes(5)),
      staleBefore: undefined,
      after: 0,
      messageIdFor: () => '<catch-up.crashed@example.org>',
    });
    expect(crashed?.messageId).toBe('<catch-up.crashed@example.org>');

    // Five minutes in, the lease still holds: the claiming process may be alive.
    expect(await deliver(store, root)).toMatchObject({ counts: { sent: 0, resumed: 0 } });
    expect(sink.messages).toHaveLength(0);

    const warnings: string[] = [];
    const result = await deliver(store, root, {
      now: () => shifted(catchUpNow, minutes(10)),
      onWarning: (text) => warnings.push(text),
    });
    expect(result).toEqual({
      status: 'finished',
      counts: { sent: 1, failed: 0, deferred: 0, resumed: 1 },
    });
    expect(warnings).toEqual([expect.stringMatching(/may get it twice/)]);
    const [message] = sink.messages as [SinkMessage];
    expect(only(headersOf(message.raw), 'message-id')).toBe('<catch-up.crashed@example.org>');
    expect(await listCatchUps(store)).toEqual([
      expect.objectContaining({ status: 'sent', attempt: 2 }),
    ]);
    // At startup, a single process takes every row left sending at once (lease 0).
    await confirmSubscriber(store, 'bob@example.org', shifted(editionStarts.third, 2));
    await claimNextCatchUp(store, {
      now: catchUpNow,
      staleBefore: undefined,
      after: 0,
      messageIdFor: () => '<catch-up.bob@example.org>',
    });
    expect(await deliver(store, root, { leaseMs: 0 })).toMatchObject({
      counts: { sent: 1, resumed: 1 },
    });
  });

  it('marks a catch-up refused for good as failed and its reader bounced; a temporary refusal waits for the next run', async () => {
    const { root, store } = await storyWithStore();
    await confirmSubscriber(store, 'gone@example.org', shifted(editionStarts.third, 1));
    await confirmSubscriber(store, 'busy@example.org', shifted(editionStarts.third, 2));
    expect(await deliver(store, root)).toEqual({
      status: 'finished',
      counts: { sent: 0, failed: 1, deferred: 1, resumed: 0 },
    });
    expect((await listCatchUps(store)).map((row) => [row.status, row.lastError])).toEqual([
      ['failed', expect.stringContaining('550')],
      ['due', expect.stringContaining('451')],
    ]);
    expect((await findSubscriber(store, 'gone@example.org'))?.status).toBe('bounced');
    expect(await isSuppressed(store, 'gone@example.org', secret)).toBe(true);

    expect(await deliver(store, root)).toMatchObject({ counts: { sent: 1, failed: 0 } });
    expect(sink.countByAddress()).toEqual(new Map([['busy@example.org', 1]]));
    expect(sink.rcptAttempts.get('gone@example.org')).toBe(1);
  });

  it('takes no catch-up once aborted, and leaves it due', async () => {
    const { root, store } = await storyWithStore();
    await confirmSubscriber(store, 'ada@example.org', shifted(editionStarts.third, 1));
    const controller = new AbortController();
    controller.abort();
    expect(await deliver(store, root, { signal: controller.signal })).toEqual({
      status: 'finished',
      counts: { sent: 0, failed: 0, deferred: 0, resumed: 0 },
      stopped: 'interrupted',
    });
    expect(sink.messages).toHaveLength(0);
    expect((await listCatchUps(store)).map((row) => row.status)).toEqual(['due']);
  });

  it('mails nobody who unsubscribed before their catch-up went out', async () => {
    const { root, store } = await storyWithStore();
    await confirmSubscriber(store, 'ada@example.org', shifted(editionStarts.third, 1));
    await setStatus(store, 'ada@example.org', 'unsubscribed', { source: 'form', now: catchUpNow });
    expect(await deliver(store, root)).toMatchObject({ counts: { sent: 0, failed: 1 } });
    expect(sink.messages).toHaveLength(0);
  });

  it('sends nothing and leaves the catch-up due when mjml refuses the email, naming the problem', async () => {
    const root = await catchUpStory({
      'templates/email.mjml':
        '<mjml><mj-body><mj-section bogus="1"><mj-column><mj-text>x</mj-text></mj-column></mj-section>{{content}}</mj-body></mjml>\n',
    });
    const store = await openTracked({ engine: 'sqlite', file: path.join(root, 'store.db') });
    await confirmSubscriber(store, 'ada@example.org', shifted(editionStarts.third, 1));
    const result = await deliver(store, root);
    expect(result.status).toBe('failed');
    if (result.status !== 'failed') throw new Error('unreachable');
    expect(result.problems.map((problem) => problem.ruleId)).toContain('mjml');
    expect(sink.messages).toHaveLength(0);
    expect((await listCatchUps(store)).map((row) => row.status)).toEqual(['due']);
  });

  it('writes to the outbox when no SMTP_URL is set, as send does', async () => {
    const { root, store } = await storyWithStore();
    await confirmSubscriber(store, 'ada@example.org', shifted(editionStarts.third, 1));
    const result = await deliverCatchUps({ store, root, secret, env: {}, now: () => catchUpNow });
    expect(result).toMatchObject({ counts: { sent: 1 } });
    const files = await readdir(path.join(root, '.storyline', 'outbox', 'catch-up'));
    expect(files.filter((file) => file.endsWith('.eml'))).toHaveLength(1);
    expect(sink.messages).toHaveLength(0);
  });

  describe.skipIf('missing' in postgres)('on PostgreSQL', () => {
    const databases =
      'bin' in postgres ? usePostgresDatabases(postgres.bin, 'catchup_delivery') : undefined;

    it('two deliverers at once, on two connections to one database, send each due catch-up once', async () => {
      if (!databases) throw new Error('no cluster');
      const root = await catchUpStory();
      const target = { engine: 'postgres', connectionString: await databases() } as const;
      const a = await openTracked(target);
      const b = await openTracked(target);
      const addresses = Array.from({ length: 30 }, (_, i) => `reader${i}@example.org`);
      for (const [i, address] of addresses.entries()) {
        await confirmSubscriber(a, address, shifted(editionStarts.first, minutes(i * 120)));
      }
      const [first, second] = await Promise.all([deliver(a, root), deliver(b, root)]);
      const sent = (result: typeof first) =>
        result.status === 'finished' ? result.counts.sent : 0;
      expect(sent(first) + sent(second)).toBe(30);
      expect([...sink.countByAddress().keys()].sort()).toEqual([...addresses].sort());
      expect([...sink.countByAddress().values()].every((count) => count === 1)).toBe(true);
      expect((await listCatchUps(b)).every((row) => row.status === 'sent')).toBe(true);
      // Readers confirmed on different days got different stories so far.
      expect(await textTo(sink, 'reader0@example.org')).not.toContain('Updatethree');
      expect(await textTo(sink, 'reader29@example.org')).toContain('Updatefour');
    });
  });
});

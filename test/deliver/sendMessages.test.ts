import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyUnsubscribeToken } from '../../src/deliver/unsubscribeToken.js';
import { headersOf, only } from '../helpers/headersOf.js';
import {
  addressesFoundUnder,
  secret,
  sendFixture,
  sendFixtureDir,
  sendInProcess,
  subscriberAddresses,
} from '../helpers/sendFixture.js';
import { type SinkMessage, type SmtpSink, startSmtpSink } from '../helpers/smtpSink.js';

const selector = 'storyline2014';
const dkimDomain = 'example.org';

describe('send to 1,000 subscribers over SMTP', () => {
  let sink: SmtpSink;
  let root: string;
  let remove: () => Promise<void>;
  let addresses: string[];
  let from: string;
  let firstRun: { code: number; stdout: string; stderr: string };
  let dnsRecord: string;

  beforeAll(async () => {
    sink = await startSmtpSink();
    ({ root, addresses, from, remove } = await sendFixtureDir(1000));
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    dnsRecord = `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
    const started = performance.now();
    firstRun = await sendInProcess(root, {
      SMTP_URL: sink.url,
      STORYLINE_SECRET: secret,
      DKIM_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      DKIM_SELECTOR: selector,
      DKIM_DOMAIN: dkimDomain,
    });
    console.log(
      `1,000 subscribers: ${sink.messages.length} messages in ${Math.round(performance.now() - started)} ms`,
    );
  }, 120_000);

  afterAll(async () => {
    await sink?.close();
    await remove?.();
  });

  it('exits 0 with every recipient sent', () => {
    expect(firstRun.stderr).not.toMatch(/^(?!sending: ).+/m);
    expect(firstRun.code).toBe(0);
    expect(firstRun.stdout).toMatch(/^ {2}sent {7}1000$/m);
    expect(firstRun.stdout).toMatch(/^ {2}deferred {3}0$/m);
  });

  it('mails each address exactly one message, addressed to it', async () => {
    const counts = sink.countByAddress();
    expect(counts.size).toBe(1000);
    for (const address of addresses) expect(counts.get(address), address).toBe(1);
    expect(sink.messages).toHaveLength(1000);
    for (const address of addresses) expect(sink.rcptAttempts.get(address), address).toBe(1);
    for (const message of sink.messages) {
      expect(message.rcpt).toHaveLength(1);
      const parsed = await message.parsed();
      const to = Array.isArray(parsed.to) ? parsed.to : [parsed.to];
      expect(to.flatMap((t) => t?.value.map((v) => v.address))).toEqual(message.rcpt);
    }
  });

  it('gives every message a text and an HTML part and the list headers', async () => {
    const senderDomain = /@([^>\s]+)>?$/.exec(from)?.[1];
    expect(senderDomain).toBe('example.org');
    const messageIds = new Set<string>();
    for (const message of sink.messages) {
      const parsed = await message.parsed();
      expect(parsed.text?.length, 'text part').toBeGreaterThan(500);
      expect(typeof parsed.html === 'string' && parsed.html.length, 'HTML part').toBeGreaterThan(
        500,
      );
      const headers = headersOf(message.raw);
      expect(only(headers, 'content-type')).toMatch(/^multipart\/alternative;/);
      const unsubscribe = only(headers, 'list-unsubscribe');
      expect(unsubscribe).toMatch(
        /^<https:\/\/example\.org\/syria-talks\/unsubscribe\?token=[\w.-]+>, <mailto:unsubscribe@example\.org\?subject=unsubscribe%20[\w.-]+>$/,
      );
      expect(only(headers, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      expect(only(headers, 'list-id')).toBe('The Syria Brief <syria-talks.example.org>');
      expect(Number.isNaN(Date.parse(only(headers, 'date')))).toBe(false);
      const messageId = only(headers, 'message-id');
      expect(messageId).toMatch(new RegExp(`^<[^@<>\\s]+@${senderDomain?.replace('.', '\\.')}>$`));
      messageIds.add(messageId);
      expect(only(headers, 'to')).toContain(`<${message.rcpt[0]}>`);
    }
    expect(messageIds.size).toBe(1000);
  });

  it('carries an unsubscribe link whose token verifies for that address only', async () => {
    const tokens = new Set<string>();
    for (const message of sink.messages) {
      const address = message.rcpt[0] as string;
      const unsubscribe = only(headersOf(message.raw), 'list-unsubscribe');
      const url = /<(https:[^>]+)>/.exec(unsubscribe)?.[1] as string;
      const token = new URL(url).searchParams.get('token') as string;
      tokens.add(token);
      expect(verifyUnsubscribeToken(token, secret), address).toBe(address);
      // The mailto carries the same token.
      expect(unsubscribe).toContain(`unsubscribe%20${token}>`);
      // And the footer of the HTML links to the same URL.
      const html = (await message.parsed()).html as string;
      expect(html).toContain(`href="${url}"`);

      expect(verifyUnsubscribeToken(token, 'another-secret-of-16-chars')).toBeUndefined();
      // Opaque tokens: the version, the nonce, the ciphertext and the tag.
      expect(token).not.toContain('.');
      expect(token.toLowerCase()).not.toContain(address.split('@')[0]);
      for (const at of [0, 5, Math.floor(token.length / 2), token.length - 2]) {
        const swapped = token[at] === 'A' ? 'B' : 'A';
        const tampered = `${token.slice(0, at)}${swapped}${token.slice(at + 1)}`;
        expect(verifyUnsubscribeToken(tampered, secret), `${token} changed at ${at}`).toBe(
          undefined,
        );
      }
    }
    expect(tokens.size).toBe(1000);
  });

  it('signs every message with DKIM, and the signature verifies', async () => {
    const resolver = async (name: string, type: string) => {
      if (type === 'TXT' && name === `${selector}._domainkey.${dkimDomain}`) return [[dnsRecord]];
      throw Object.assign(new Error(`no ${type} record for ${name}`), { code: 'ENOTFOUND' });
    };
    const started = performance.now();
    let verified = 0;
    for (const message of sink.messages) {
      const result = await dkimVerify(message.raw, { resolver });
      expect(result.results, message.rcpt[0]).toHaveLength(1);
      const [signature] = result.results;
      expect(signature?.status.result, signature?.status.comment).toBe('pass');
      expect(signature?.signingDomain).toBe(dkimDomain);
      expect(signature?.selector).toBe(selector);
      verified++;
    }
    console.log(
      `DKIM: ${verified} signatures verified in ${Math.round(performance.now() - started)} ms`,
    );
    // A changed body no longer verifies: the check can fail.
    const [first] = sink.messages as [SinkMessage];
    const altered = Buffer.from(first.raw.toString('utf8').replace('Geneva', 'Genf'));
    const result = await dkimVerify(altered, { resolver });
    expect(result.results[0]?.status.result).not.toBe('pass');
  });

  it('writes no address in plain text anywhere under archive/', async () => {
    const archiveFiles = await addressesFoundUnder(path.join(root, 'archive'), addresses);
    expect(archiveFiles.files.length).toBeGreaterThanOrEqual(2);
    expect(archiveFiles.found).toEqual([]);
  });

  it('sends nothing on a rerun after completion', async () => {
    const before = sink.messages.length;
    const rerun = await sendInProcess(root, { SMTP_URL: sink.url, STORYLINE_SECRET: secret });
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toMatch(/^Nothing to send/);
    expect(sink.messages.length - before).toBe(0);
    const record = JSON.parse(
      await readFile(
        path.join(root, 'archive/2014-02-10-second-round-geneva/edition.json'),
        'utf8',
      ),
    ) as { complete: boolean; counts: Record<string, number> };
    expect(record.complete).toBe(true);
    expect(record.counts).toEqual({ sent: 1000, failed: 0, suppressed: 0, deferred: 0 });
  });
});

describe('a subscriber list with invalid rows', () => {
  it('reports each bad row with its line number, skips it and mails everyone else', async () => {
    const sink = await startSmtpSink();
    const { root } = await sendFixture(0);
    try {
      const good = subscriberAddresses(6);
      const csv = [
        'email,name', // line 1
        `${good[0]},Ada`, // 2
        'not-an-address,Nobody', // 3
        `${good[1]},Grace`, // 4
        `${good[0]?.toUpperCase()},Ada again`, // 5: a duplicate, ignoring case
        `${good[2]},"Alan, unclosed`, // 6: a quote never closed
        `${good[3]},Katherine`, // 7
        'someone@localhost,No dot in the domain', // 8
        `${good[4]},Claude`, // 9
        `${good[5]},Barbara`, // 10
      ].join('\n');
      await writeFile(path.join(root, 'subscribers.csv'), `${csv}\n`);
      const result = await sendInProcess(root, { SMTP_URL: sink.url, STORYLINE_SECRET: secret });
      const warnings = result.stderr.split('\n').filter((l) => l.startsWith('subscribers.csv:'));
      console.log(warnings.join('\n'));
      expect(warnings.map((w) => Number(w.split(':')[1]))).toEqual([3, 5, 6, 8]);
      for (const warning of warnings) expect(warning).toContain('warning: ');
      // The messages reach CI logs: they quote no address.
      for (const quoted of [...good, 'not-an-address', 'someone@localhost'])
        expect(result.stderr.toLowerCase()).not.toContain(quoted);
      expect(result.code).toBe(0);
      const delivered = [...sink.countByAddress().keys()].sort();
      // Line 6 swallows nothing but itself: the rows after it are mailed.
      expect(delivered).toEqual([good[0], good[1], good[3], good[4], good[5]].sort());
      expect(result.stdout).toMatch(/^ {2}sent {7}5$/m);
    } finally {
      await sink.close();
    }
  });
});

import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyUnsubscribeToken } from '../../src/deliver/unsubscribeToken.js';
import { findSubscriber } from '../../src/store/findSubscriber.js';
import { listCatchUps } from '../../src/store/listCatchUps.js';
import { openStore } from '../../src/store/openStore.js';
import { upsertSubscriber } from '../../src/store/upsertSubscriber.js';
import { browserSkipReason, launchBrowser } from '../helpers/browser.js';
import { expectInOrder } from '../helpers/expectInOrder.js';
import { updateMd } from '../helpers/fixture.js';
import { headersOf } from '../helpers/headersOf.js';
import { runCli } from '../helpers/runCli.js';
import { servableSample } from '../helpers/servableSample.js';
import { type SinkMessage, type SmtpSink, startSmtpSink } from '../helpers/smtpSink.js';
import { freePort, spawnServe } from '../helpers/spawnServe.js';

const skip = browserSkipReason();
if (skip) console.log(skip);

const secret = 'end-to-end-secret-0123456789';
const reader = 'phone.reader@example.org';
/** Where readers reach serve: behind a TLS proxy, as in production; here Chromium's routing stands in for it. */
const publicUrl = 'https://news.example.org/brief/';
const other = 'other.reader@example.org';

/** The first message to `address` whose subject passes `subject`, waiting for it. */
async function mailTo(
  sink: SmtpSink,
  address: string,
  subject: (value: string) => boolean,
): Promise<SinkMessage> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    for (const message of sink.messages) {
      if (!message.rcpt.includes(address)) continue;
      if (subject((await message.parsed()).subject ?? '')) return message;
    }
    if (Date.now() > deadline) throw new Error(`no matching mail to ${address}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(skip)('storyline serve, end to end in Chromium', () => {
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let sink: SmtpSink;
  beforeAll(async () => {
    browser = await launchBrowser();
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await browser?.close();
    await sink?.close();
  });

  it('signs a reader up from the living page, confirms, mails the story so far, unsubscribes in one press, and the next send leaves them out', async () => {
    const port = await freePort();
    const url = publicUrl;
    const root = await servableSample(url);
    // A second, earlier update: the catch-up must show them newest first.
    await writeFile(
      path.join(root, 'updates', '2014-02-01-delegations-arrive.md'),
      updateMd('date: 2014-02-01', 'Arrivalword the delegations reached Geneva.\n'),
    );
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const env = {
      STORYLINE_SECRET: secret,
      SMTP_URL: sink.url,
      STORYLINE_DATABASE_URL: 'sqlite:.storyline/e2e.db',
      STORYLINE_SUBSCRIBERS: '',
      DKIM_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      DKIM_SELECTOR: 'e2e',
      DKIM_DOMAIN: 'example.org',
    };
    const storeFile = path.join(root, '.storyline', 'e2e.db');
    const seed = await openStore({ engine: 'sqlite', file: storeFile });
    await upsertSubscriber(seed, {
      address: other,
      status: 'active',
      source: 'import',
      now: new Date('2014-01-01T00:00:00Z'),
    });
    await seed.close();

    const published = await runCli(['publish'], { cwd: root, env });
    expect(published.code, published.stderr).toBe(0);
    expect(sink.countByAddress().get(other)).toBe(1);

    const served = await spawnServe(root, env, port);
    expect(served.url).toBe(`http://127.0.0.1:${port}/`);
    const shots = process.env.STORYLINE_SCREENSHOTS ?? (await mkdtemp(path.join(tmpdir(), 'e2e-')));
    await mkdir(shots, { recursive: true });
    console.log(`screenshots in ${shots}`);
    const page = await browser.newPage({ viewport: { width: 375, height: 812 } });
    // The reverse proxy: https://news.example.org/brief/… to serve on loopback; nothing else leaves.
    await page.route('**/*', async (route) => {
      const asked = route.request().url();
      if (!asked.startsWith(publicUrl)) return route.abort();
      const response = await route.fetch({
        url: `${served.url}${asked.slice(publicUrl.length)}`,
        maxRedirects: 0,
      });
      return route.fulfill({ response });
    });
    const shoot = async (name: string, target?: ReturnType<Page['locator']>) => {
      for (const width of [375, 1000]) {
        await page.setViewportSize({ width, height: 812 });
        expect(
          await page.evaluate(() => document.documentElement.scrollWidth),
          `${name} at ${width} px scrolls sideways`,
        ).toBeLessThanOrEqual(width);
        if (target) await target.screenshot({ path: path.join(shots, `${name}-${width}.png`) });
        else await page.screenshot({ path: path.join(shots, `${name}-${width}.png`) });
      }
      await page.setViewportSize({ width: 375, height: 812 });
    };
    try {
      // The living story page, as serve hosts the archive.
      await page.goto(url);
      const form = page.locator('form.subscribe');
      await form.scrollIntoViewIfNeeded();
      expect(await form.isVisible()).toBe(true);
      await shoot('form', form);
      await page.fill('input[name=email]', reader);
      await page.fill('input[name=name]', 'Phone Reader');
      await Promise.all([page.waitForNavigation(), page.click('form.subscribe button')]);
      expect(await page.textContent('h1')).toBe('Check your inbox');

      const confirmation = await (
        await mailTo(sink, reader, (subject) => subject.startsWith('Confirm'))
      ).parsed();
      const link = /(https:\/\/news\.example\.org\/brief\/confirm\?token=[A-Za-z0-9_-]+)/.exec(
        confirmation.text ?? '',
      )?.[1];
      expect(link?.startsWith(`${url}confirm?token=`)).toBe(true);
      await page.goto(link ?? '');
      expect(await page.textContent('h1')).toBe('Confirm your subscription');
      await shoot('confirm');
      await Promise.all([page.waitForNavigation(), page.click('form.action button')]);
      expect(await page.textContent('h1')).toBe('You are subscribed');

      // The story so far, mailed by serve right after the confirmation.
      const catchUp = await mailTo(sink, reader, (subject) =>
        subject.startsWith('The story so far'),
      );
      const parsed = await catchUp.parsed();
      expect(parsed.subject).toBe(
        'The story so far: Second Round Of Syrian Peace Talks Under Way in Geneva',
      );
      expectInOrder(parsed.text ?? '', [
        'Second Round Of Syrian Peace Talks Under Way in Geneva',
        'The peace negotiations that began in Montreux',
        'Update 2/10/2014:',
        'A second round of Syrian peace talks resumed in Geneva today',
        'Update 2/1/2014:',
        'Arrivalword the delegations reached Geneva.',
        'The conflict, which began after the government violently suppressed',
        'Ole Skaar',
      ]);
      const headers = headersOf(catchUp.raw);
      const listUnsubscribe = headers.get('list-unsubscribe')?.[0] ?? '';
      const unsubscribeUrl = /<(http[^>]+)>/.exec(listUnsubscribe)?.[1] ?? '';
      expect(unsubscribeUrl.startsWith(`${url}unsubscribe?token=`)).toBe(true);
      const token = new URL(unsubscribeUrl).searchParams.get('token') ?? '';
      expect(verifyUnsubscribeToken(token, secret)).toBe(reader);
      expect(token).not.toContain(Buffer.from(reader).toString('base64url'));
      expect(headers.get('list-unsubscribe-post')).toEqual(['List-Unsubscribe=One-Click']);
      expect(headers.get('dkim-signature')?.[0]).toContain('d=example.org');
      expect(headers.get('dkim-signature')?.[0]).toContain('s=e2e');
      const messageId = headers.get('message-id')?.[0] ?? '';
      expect(messageId).toMatch(/^<catch-up\.[^@>]+@example\.org>$/);

      // The unsubscribe link, as a person opens it from the mail.
      await page.goto(unsubscribeUrl);
      expect(await page.textContent('h1')).toBe('Unsubscribe from The Syria Brief?');
      await shoot('unsubscribe');
      await Promise.all([page.waitForNavigation(), page.click('form.action button')]);
      expect(await page.textContent('h1')).toBe('You are unsubscribed');
      await shoot('unsubscribed');
    } finally {
      await page.close();
      served.child.kill('SIGTERM');
    }
    const ended = await served.done;
    expect(ended.code, ended.stderr).toBe(0);
    expect(ended.stdout).not.toContain(reader);

    const store = await openStore({ engine: 'sqlite', file: storeFile });
    try {
      const subscriber = await findSubscriber(store, reader);
      expect(subscriber?.status).toBe('unsubscribed');
      expect((await listCatchUps(store, subscriber?.id)).map((row) => row.status)).toEqual([
        'sent',
      ]);
    } finally {
      await store.close();
    }

    // The next update goes to the others, not to the reader who left.
    await writeFile(
      path.join(root, 'updates', '2014-02-20-talks-end.md'),
      updateMd('date: 2014-02-20', 'Endword the second round ended.\n'),
    );
    const before = sink.countByAddress();
    const next = await runCli(['publish'], { cwd: root, env });
    expect(next.code, next.stderr).toBe(0);
    const after = sink.countByAddress();
    expect((after.get(other) ?? 0) - (before.get(other) ?? 0)).toBe(1);
    expect(after.get(reader)).toBe(before.get(reader));
    expect(before.get(reader)).toBe(2);
  });
});

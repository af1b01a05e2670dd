import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { outboxTransport } from '../../src/deliver/transports/outboxTransport.js';
import { createUnsubscribeToken } from '../../src/deliver/unsubscribeToken.js';
import { createServeApp } from '../../src/serve/createServeApp.js';
import { findSubscriber } from '../../src/store/findSubscriber.js';
import { openStore } from '../../src/store/openStore.js';
import { browserSkipReason, launchBrowser } from '../helpers/browser.js';
import { publishOk } from '../helpers/publish.js';
import { servableSample } from '../helpers/servableSample.js';
import { confirmTokenIn } from '../helpers/serveFixture.js';
import { freePort } from '../helpers/spawnServe.js';

const skip = browserSkipReason();
if (skip) console.log(skip);

const secret = 'browser-test-secret-0123456789';

describe.skipIf(skip)('storyline serve in Chromium on a 375 px phone', () => {
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the form on the living page, and readable confirm and unsubscribe pages, without sideways scrolling', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/`;
    const root = await servableSample(url);
    await writeFile(path.join(root, 'subscribers.csv'), 'email\nreader@example.org\n');
    await publishOk(root);

    const store = await openStore({
      engine: 'sqlite',
      file: path.join(root, '.storyline', 'b.db'),
    });
    const outbox = path.join(root, '.storyline', 'outbox', 'confirmations');
    const app = await createServeApp({
      root,
      config: (await loadConfig(root)).config,
      store,
      secret,
      transport: outboxTransport(outbox, { root, fileName: () => 'confirm.eml' }),
      log: () => {},
    });
    await app.fastify.listen({ host: '127.0.0.1', port });
    const shots = process.env.STORYLINE_SCREENSHOTS ?? path.join(root, 'screenshots');
    await mkdir(shots, { recursive: true });
    const page = await browser.newPage({ viewport: { width: 375, height: 812 } });
    const noSidewaysScroll = async () =>
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        375,
      );
    try {
      await page.goto(url);
      const form = page.locator('form.subscribe');
      await form.scrollIntoViewIfNeeded();
      expect(await form.isVisible()).toBe(true);
      // The honeypot is off-screen for people.
      const trap = await page.locator('input[name=website]').boundingBox();
      expect((trap?.x ?? 0) + (trap?.width ?? 0)).toBeLessThan(0);
      await noSidewaysScroll();
      await form.screenshot({ path: path.join(shots, 'form.png') });

      await page.fill('input[name=email]', 'phone.reader@example.org');
      await page.fill('input[name=name]', 'Phone Reader');
      await Promise.all([page.waitForNavigation(), page.click('form.subscribe button')]);
      expect(await page.textContent('h1')).toBe('Check your inbox');
      await noSidewaysScroll();
      await page.screenshot({ path: path.join(shots, 'check-inbox.png') });

      await app.whenIdle();
      const token = confirmTokenIn(await readFile(path.join(outbox, 'confirm.eml'), 'utf8'));
      await page.goto(`${url}confirm?token=${token}`);
      expect(await page.textContent('h1')).toBe('Confirm your subscription');
      await noSidewaysScroll();
      await page.screenshot({ path: path.join(shots, 'confirm.png') });
      await Promise.all([page.waitForNavigation(), page.click('form.action button')]);
      expect(await page.textContent('h1')).toBe('You are subscribed');
      expect((await findSubscriber(store, 'phone.reader@example.org'))?.status).toBe('active');

      await page.goto(
        `${url}unsubscribe?token=${createUnsubscribeToken('phone.reader@example.org', secret)}`,
      );
      await noSidewaysScroll();
      await page.screenshot({ path: path.join(shots, 'unsubscribe.png') });
      await Promise.all([page.waitForNavigation(), page.click('form.action button')]);
      expect(await page.textContent('h1')).toBe('You are unsubscribed');
      await noSidewaysScroll();
      await page.screenshot({ path: path.join(shots, 'unsubscribed.png') });
      expect((await findSubscriber(store, 'phone.reader@example.org'))?.status).toBe(
        'unsubscribed',
      );
    } finally {
      await page.close();
      await app.close();
      await store.close();
    }
  });
});

import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEditions as build } from '../../src/usecases/buildEditions.js';
import { browserSkipReason, launchBrowser, serveSiteFromRoot } from '../helpers/browser.js';
import { sampleFixture, updateMd, writeFiles } from '../helpers/fixture.js';
import { defaultNow } from '../helpers/problems.js';
import { loadForRender } from '../helpers/render.js';
import { repoRoot } from '../helpers/runCli.js';

const skip = browserSkipReason();
if (skip) console.log(`skipping browser tests: ${skip}`);

const screenshots = path.join(repoRoot, 'test-results/screenshots');

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe.skipIf(Boolean(skip))('the sample email in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
    await mkdir(screenshots, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const width of [375, 600]) {
    it(`fits ${width} px without horizontal scrolling, with its image and headline showing`, async () => {
      const root = await sampleFixture();
      // Built into the content root, so the page is served from the site like the archive's copy.
      const out = path.join(root, 'out');
      const result = await build({ root, out, edition: 'pending', strict: true, now: defaultNow });
      if (result.status !== 'built') throw new Error(`build ${result.status}`);
      const [edition] = result.editions;
      const { story, project } = await loadForRender(root);
      const { siteUrl } = project.config;

      const page = await browser.newPage({ viewport: { width, height: 800 } });
      try {
        await serveSiteFromRoot(page, siteUrl, root);
        const response = await page.goto(`${siteUrl}out/${edition?.id}/email.html`);
        expect(response?.status()).toBe(200);

        const { scrollWidth, clientWidth } = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          clientWidth: document.documentElement.clientWidth,
        }));
        expect(clientWidth).toBe(width);
        expect(scrollWidth).toBeLessThanOrEqual(clientWidth);

        const image = page.locator(`img[alt="${story.base.image?.alt}"]`);
        const loaded = await image.evaluate((img: HTMLImageElement) => ({
          naturalWidth: img.naturalWidth,
          right: img.getBoundingClientRect().right,
        }));
        expect(loaded.naturalWidth).toBeGreaterThan(0);
        expect(loaded.right).toBeLessThanOrEqual(width);

        const headline = page.locator('h1', { hasText: story.updates[0]?.headline ?? '' });
        expect(await headline.isVisible()).toBe(true);
        const box = await headline.boundingBox();
        expect(box && box.x >= 0 && box.x + box.width <= width).toBe(true);

        const file = path.join(screenshots, `email-${width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        const size = pngSize(await readFile(file));
        expect(size.width).toBe(width);
        expect(size.height).toBeGreaterThan(800);
      } finally {
        await page.close();
      }
    });
  }

  it('fits 375 px even with a long unbroken URL, a wide table and long inline code', async () => {
    const root = await sampleFixture();
    await writeFiles(root, {
      'updates/2014-02-12-wide.md': updateMd(
        'date: 2014-02-12',
        [
          `Read https://www.un.org/News/dh/infocus/Syria/${'FinalCommuniqueActionGroupforSyria'.repeat(3)}.pdf now.`,
          '| Delegation | Seats | Arrived | Left | Statement | Spokesperson | Notes |\n| --- | --- | --- | --- | --- | --- | --- |\n| Government of the Syrian Arab Republic | 15 | Monday morning | Friday evening | Declined | Bouthaina Shaaban | Insisted on its own agenda |',
          `\`${'averyverylonginlinecodeidentifier'.repeat(3)}()\``,
        ].join('\n\n'),
      ),
    });
    const out = path.join(root, 'out');
    const result = await build({ root, out, edition: 'pending', strict: true, now: defaultNow });
    if (result.status !== 'built') throw new Error(`build ${result.status}`);
    const { project } = await loadForRender(root);
    const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
    try {
      await serveSiteFromRoot(page, project.config.siteUrl, root);
      await page.goto(`${project.config.siteUrl}out/${result.editions[0]?.id}/email.html`);
      expect(await page.locator('table.sl-table').count()).toBe(1);
      const { scrollWidth, clientWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
      }));
      expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    } finally {
      await page.close();
    }
  });
});

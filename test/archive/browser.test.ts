import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editionUrl } from '../../src/render/editionLinks.js';
import { browserSkipReason, launchBrowser, serveSiteFromRoot } from '../helpers/browser.js';
import { type PublishedStory, publishedStory } from '../helpers/publish.js';
import { repoRoot } from '../helpers/runCli.js';

const skip = browserSkipReason();
if (skip) console.log(`skipping browser tests: ${skip}`);

const screenshots = path.join(repoRoot, 'test-results/screenshots');
const imageAlt = 'Two delegations seated on opposite sides of a long conference table';

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** The checks every archive page passes at `width`: it fits, its image loaded, its headline shows. */
async function expectReadable(page: Page, width: number, headline: string): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(clientWidth).toBe(width);
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth);

  const image = page.locator(`img[alt="${imageAlt}"]`).first();
  const loaded = await image.evaluate((img: HTMLImageElement) => ({
    complete: img.complete,
    naturalWidth: img.naturalWidth,
    right: img.getBoundingClientRect().right,
  }));
  expect(loaded.complete).toBe(true);
  expect(loaded.naturalWidth).toBeGreaterThan(0);
  expect(loaded.right).toBeLessThanOrEqual(width);

  const heading = page.locator('h1', { hasText: headline });
  expect(await heading.isVisible()).toBe(true);
  const box = await heading.boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= width).toBe(true);
}

async function screenshot(page: Page, name: string, width: number): Promise<void> {
  const file = path.join(screenshots, name);
  await page.screenshot({ path: file, fullPage: true });
  const size = pngSize(await readFile(file));
  expect(size.width).toBe(width);
  expect(size.height).toBeGreaterThan(600);
}

describe.skipIf(Boolean(skip))('the archive in headless Chromium', () => {
  let browser: Browser;
  let story: PublishedStory;
  beforeAll(async () => {
    [browser, story] = await Promise.all([launchBrowser(), publishedStory()]);
    await mkdir(screenshots, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await story?.remove();
  });

  /** A page with the archive served at siteUrl, as a static host would serve it. */
  async function open(width: number, url: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 800 } });
    await serveSiteFromRoot(page, story.siteUrl, path.join(story.root, 'archive'));
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    return page;
  }

  for (const width of [375, 1000]) {
    it(`shows the living story page at ${width} px without horizontal scrolling`, async () => {
      const page = await open(width, story.siteUrl);
      try {
        await expectReadable(page, width, 'Geneva Talks Stall Over Transitional Government');
        // Every update is there, the correction set apart.
        expect(await page.locator('article.update').count()).toBe(3);
        const correction = page.locator('article.correction');
        const label = correction.locator('.label');
        expect(await label.isVisible()).toBe(true);
        expect(await label.textContent()).toBe('Correction 2/11/2014:');
        const border = await correction.evaluate((el) => getComputedStyle(el).borderLeftStyle);
        expect(border).toBe('solid');
        await screenshot(page, `archive-story-${width}.png`, width);
      } finally {
        await page.close();
      }
    });
  }

  it('shows an edition page at 1000 px without horizontal scrolling', async () => {
    const [, latest] = story.editions;
    if (!latest) throw new Error('the fixture mailed no second edition');
    const page = await open(1000, editionUrl(story.siteUrl, latest.id));
    try {
      await expectReadable(page, 1000, latest.headline);
      await screenshot(page, 'archive-edition-1000.png', 1000);
    } finally {
      await page.close();
    }
  });
});

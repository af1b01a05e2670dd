import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, launchBrowser, serveSiteFromRoot } from '../helpers/browser.js';
import { type PublishedStory, publishedStory } from '../helpers/publish.js';
import { repoRoot } from '../helpers/runCli.js';

const skip = browserSkipReason();
if (skip) console.log(`skipping browser tests: ${skip}`);

const screenshots = path.join(repoRoot, 'test-results/screenshots');
const unsubscribeUrl = 'https://example.org/syria-talks/unsubscribe';

interface PageLink {
  tag: string;
  rel: string;
  /** As written in the page. */
  written: string;
  /** As the browser resolved it. */
  resolved: string;
}

/** Every URL a page links or loads, as written and as resolved by the browser. */
function linksOf(page: Page): Promise<PageLink[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('a[href], link[href], img[src]')].map((element) => {
      const attribute = element.tagName === 'IMG' ? 'src' : 'href';
      return {
        tag: element.tagName.toLowerCase(),
        rel: element.getAttribute('rel') ?? '',
        written: element.getAttribute(attribute) ?? '',
        resolved: (element as HTMLAnchorElement & HTMLImageElement)[attribute],
      };
    }),
  );
}

/** Every image of the page, once loading has settled. */
async function images(page: Page): Promise<{ src: string; naturalWidth: number }[]> {
  await page.waitForLoadState('load');
  return page.evaluate(() =>
    [...document.images].map((img) => ({ src: img.src, naturalWidth: img.naturalWidth })),
  );
}

describe.skipIf(Boolean(skip))('the archive opened from disk in headless Chromium', () => {
  let browser: Browser;
  let story: PublishedStory;
  let archive: string;
  beforeAll(async () => {
    [browser, story] = await Promise.all([launchBrowser(), publishedStory()]);
    archive = path.join(story.root, 'archive');
    await mkdir(screenshots, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await story?.remove();
  });

  /** A page opened from its file, with every request off the disk refused. */
  async function openFile(file: string, width = 375): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 800 } });
    await page.route(/^(?!file:)/, (route) => route.abort());
    await page.goto(pathToFileURL(path.join(archive, file)).href);
    return page;
  }

  const pages = () => ['index.html', ...story.editions.map((e) => `${e.id}/index.html`)];

  it('loads every image of the living page and of each edition page', async () => {
    for (const file of pages()) {
      const page = await openFile(file);
      try {
        const loaded = await images(page);
        expect(loaded.length, file).toBeGreaterThan(0);
        for (const image of loaded) {
          expect(image.src, file).toMatch(/^file:/);
          expect(image.naturalWidth, `${file}: ${image.src}`).toBeGreaterThan(0);
        }
        if (file === 'index.html')
          await page.screenshot({ path: path.join(screenshots, 'archive-from-disk-375.png') });
      } finally {
        await page.close();
      }
    }
  });

  it('links every page of the site to files that exist, and fragments to ids on their page', async () => {
    const seen = { files: 0, fragments: 0, pages: 0 };
    const ids = new Map<string, string[]>();
    const idsOf = async (target: string): Promise<string[]> => {
      const known = ids.get(target);
      if (known) return known;
      const other = await openFile(path.relative(archive, target));
      try {
        const found = await other.evaluate(() =>
          [...document.querySelectorAll('[id]')].map((element) => element.id),
        );
        ids.set(target, found);
        return found;
      } finally {
        await other.close();
      }
    };
    for (const file of pages()) {
      const page = await openFile(file);
      try {
        for (const link of await linksOf(page)) {
          const where = `${file}: <${link.tag}> ${link.written}`;
          if (!link.resolved.startsWith('file:')) {
            // Off the site; or absolute on purpose: the canonical address and the
            // unsubscribe page of the reader's side, which is no file of the archive.
            expect(link.resolved, where).toMatch(/^(https:|mailto:)/);
            if (link.resolved.startsWith(story.siteUrl))
              expect(link.rel === 'canonical' || link.resolved === unsubscribeUrl, where).toBe(
                true,
              );
            continue;
          }
          const url = new URL(link.resolved);
          const target = fileURLToPath(new URL(url.pathname, url));
          expect(existsSync(target), where).toBe(true);
          expect(target.startsWith(archive), where).toBe(true);
          seen.files += 1;
          if (target.endsWith('.html')) seen.pages += 1;
          if (url.hash) {
            const id = decodeURIComponent(url.hash.slice(1));
            expect(await idsOf(target), where).toContain(id);
            seen.fragments += 1;
          }
        }
      } finally {
        await page.close();
      }
    }
    // The fixture's image, feeds, pages, updates and footnotes were all followed.
    expect(seen.pages).toBeGreaterThan(6);
    expect(seen.fragments).toBeGreaterThan(6);
    expect(seen.files).toBeGreaterThan(seen.pages);
  });

  it('shows its picture from a sub-path the site was not configured for', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
    try {
      const mirror = 'http://127.0.0.1/mirror/of/the-archive/';
      await serveSiteFromRoot(page, mirror, archive);
      const [edition] = story.editions;
      for (const url of [mirror, `${mirror}${edition?.id}/index.html`]) {
        const response = await page.goto(url);
        expect(response?.status(), url).toBe(200);
        const loaded = await images(page);
        expect(loaded.length, url).toBeGreaterThan(0);
        for (const image of loaded) {
          expect(image.src.startsWith(mirror), image.src).toBe(true);
          expect(image.naturalWidth, image.src).toBeGreaterThan(0);
        }
      }
    } finally {
      await page.close();
    }
  });
});

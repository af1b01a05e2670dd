import { cp, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storyPage } from '../../src/archive/storyPage.js';
import { readLedger } from '../../src/ledger/readLedger.js';
import { editionUrl } from '../../src/render/editionLinks.js';
import { buildEditions } from '../../src/usecases/buildEditions.js';
import { browserSkipReason, launchBrowser, serveSiteFromRoot } from '../helpers/browser.js';
import { type PublishedStory, publishedStory, publishNow } from '../helpers/publish.js';
import { loadForRender } from '../helpers/render.js';

const skip = browserSkipReason();
if (skip) console.log(`skipping accessibility tests: ${skip}`);

/** axe-core's rule ids and the elements they flag, for the impacts that fail the test. */
interface Violation {
  rule: string;
  impact: string;
  targets: string[];
}

describe.skipIf(Boolean(skip))('axe-core on the email and the archive', () => {
  let browser: Browser;
  let story: PublishedStory;
  let emails: string[];
  beforeAll(async () => {
    [browser, story] = await Promise.all([launchBrowser(), publishedStory()]);
    // Built inside the content root, so the email's absolute image URLs are served from it.
    const built = await buildEditions({
      root: story.root,
      out: path.join(story.root, 'out'),
      edition: 'all',
      strict: false,
      now: publishNow,
    });
    if (built.status !== 'built') throw new Error(`build ${built.status}`);
    emails = built.editions.map((e) => `${story.siteUrl}out/${e.id}/email.html`);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await story?.remove();
  });

  async function violations(
    url: string,
    colorScheme: 'light' | 'dark',
    servedFrom: string,
  ): Promise<Violation[]> {
    // AxeBuilder needs a page of its own context.
    const context = await browser.newContext({
      viewport: { width: 600, height: 800 },
      colorScheme,
    });
    const page = await context.newPage();
    try {
      await serveSiteFromRoot(page, story.siteUrl, servedFrom);
      expect((await page.goto(url))?.status()).toBe(200);
      const results = await new AxeBuilder({ page }).analyze();
      expect(results.passes.length).toBeGreaterThan(0);
      return results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({
          rule: v.id,
          impact: v.impact ?? '',
          targets: v.nodes.map((n) => n.target.join(' ')),
        }));
    } finally {
      await context.close();
    }
  }

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`finds nothing serious or critical in every edition's email in ${colorScheme} mode`, async () => {
      expect(emails.length).toBeGreaterThanOrEqual(2);
      for (const url of emails) {
        expect({ url, found: await violations(url, colorScheme, story.root) }).toEqual({
          url,
          found: [],
        });
      }
    });

    it(`finds nothing serious or critical on the living page and an edition page in ${colorScheme} mode`, async () => {
      const [first] = story.editions;
      if (!first) throw new Error('the fixture mailed no edition');
      const archive = path.join(story.root, 'archive');
      for (const url of [story.siteUrl, editionUrl(story.siteUrl, first.id)]) {
        expect({ url, found: await violations(url, colorScheme, archive) }).toEqual({
          url,
          found: [],
        });
      }
    });

    it(`finds nothing serious or critical on a living page of several pages in ${colorScheme} mode`, async () => {
      // A copy of the archive with one update to a page, so it has page links.
      const paged = path.join(story.root, `archive-paged-${colorScheme}`);
      await cp(path.join(story.root, 'archive'), paged, { recursive: true });
      const { project, story: content } = await loadForRender(story.root, publishNow);
      const config = { ...project.config, archive: { pageSize: 1 } };
      const { ledger } = await readLedger(story.root);
      const published = content.updates.filter((u) => ledger.sent.has(u.id));
      await mkdir(path.join(paged, 'page'), { recursive: true });
      for (const number of [1, 2, 3]) {
        const file = number === 1 ? 'index.html' : `page/${number}.html`;
        await writeFile(
          path.join(paged, file),
          storyPage(content, published, ledger.editions, config, number),
        );
      }
      for (const url of [story.siteUrl, `${story.siteUrl}page/2.html`]) {
        expect({ url, found: await violations(url, colorScheme, paged) }).toEqual({
          url,
          found: [],
        });
      }
    });
  }
});

import { cp, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storyPage } from '../../src/archive/storyPage.js';
import { browserSkipReason, launchBrowser } from '../helpers/browser.js';
import { fixture } from '../helpers/fixture.js';
import { renderPending } from '../helpers/render.js';
import { repoRoot } from '../helpers/runCli.js';

const skip = browserSkipReason();
if (skip) console.log(`skipping browser tests: ${skip}`);

const screenshots = path.join(repoRoot, 'test-results/screenshots');
const widths = [320, 375, 600];

/** The day-only date of a label, as `Intl.DateTimeFormat` writes it in `locale`. */
function dayIn(locale: string, day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Intl.DateTimeFormat(locale, {
    timeZone: 'UTC',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  }).format(Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1));
}

interface Block {
  tag: string;
  text: string;
  expected: 'ltr' | 'rtl';
  direction: string;
  textAlign: string;
  /** Padding and border on the side where a line starts, and on the other. */
  startSide: number;
  endSide: number;
}

/**
 * Every paragraph, list, heading, quote and table cell with text: the
 * direction of its first strong character (Hebrew or Arabic script: rtl;
 * Latin or Cyrillic: ltr), and how the browser lays it out.
 */
async function blocksOf(page: Page): Promise<Block[]> {
  return page.evaluate(() => {
    const rtl = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/;
    const ltr = /[A-Za-z\u00c0-\u024f\u0400-\u04ff]/;
    const firstStrong = (text: string) => {
      for (const c of text) {
        if (rtl.test(c)) return 'rtl' as const;
        if (ltr.test(c)) return 'ltr' as const;
      }
      return undefined;
    };
    const blocks: Block[] = [];
    for (const element of document.body.querySelectorAll(
      'p, ul, ol, li, h1, h2, h3, h4, blockquote, .sl-table td, .sl-table th',
    )) {
      const html = element as HTMLElement;
      // The preheader is hidden on purpose.
      if (html.offsetParent === null && getComputedStyle(html).position !== 'fixed') continue;
      const expected = firstStrong(html.textContent ?? '');
      if (!expected) continue;
      const style = getComputedStyle(html);
      const side = (name: 'left' | 'right') =>
        Number.parseFloat(style.getPropertyValue(`padding-${name}`)) +
        Number.parseFloat(style.getPropertyValue(`border-${name}-width`));
      blocks.push({
        tag: html.tagName.toLowerCase(),
        text: (html.textContent ?? '').trim().slice(0, 40),
        expected,
        direction: style.direction,
        textAlign: style.textAlign,
        startSide: style.direction === 'rtl' ? side('right') : side('left'),
        endSide: style.direction === 'rtl' ? side('left') : side('right'),
      });
    }
    return blocks;
  });
}

interface LabelLayout {
  text: string;
  isolated: string | undefined;
  word: DOMRect;
  date: DOMRect;
  colon: DOMRect;
  /** The day's and the year's boxes inside the date. */
  day: DOMRect;
  year: DOMRect;
}

/** Where the word, the isolated date and the colon of a label land on screen. */
async function labelLayout(page: Page, selector: string, day: string): Promise<LabelLayout> {
  return page.locator(selector).evaluate((label, dayText) => {
    // `<bdi>` on a page, `<span dir="auto">` in an email: both isolate.
    const bdi = label.querySelector('bdi, span[dir="auto"]');
    const box = (node: Node | null | undefined, from?: number, to?: number): DOMRect => {
      const range = document.createRange();
      if (!node) return new DOMRect();
      if (from === undefined) range.selectNodeContents(node);
      else {
        range.setStart(node, from);
        range.setEnd(node, to ?? from);
      }
      return range.getBoundingClientRect().toJSON() as DOMRect;
    };
    const dateText = bdi?.firstChild ?? null;
    const value = dateText?.textContent ?? '';
    const dayAt = value.indexOf(dayText);
    const yearAt = value.indexOf('2014');
    return {
      // biome-ignore lint/performance/useDomNodeTextContent: the text as rendered is the point
      text: (label as HTMLElement).innerText,
      isolated: bdi?.textContent ?? undefined,
      word: box(bdi?.previousSibling),
      date: box(bdi),
      colon: box(bdi?.nextSibling),
      day: box(dateText, dayAt, dayAt + dayText.length),
      year: box(dateText, yearAt, yearAt + 4),
    };
  }, day);
}

/** A copy of a fixture story in a temporary folder. */
async function copyOf(name: string): Promise<string> {
  const root = await fixture({});
  await cp(path.join(repoRoot, 'test/fixtures', name), root, { recursive: true });
  return root;
}

describe.skipIf(Boolean(skip))('right-to-left and mixed stories in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
    await mkdir(screenshots, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  const stories = [
    {
      name: 'arabic-story',
      // Each label in the publication's language: the word, then the isolated date.
      labels: [
        { id: '2014-02-11-homs-evacuation', word: 'تحديث', day: '2014-02-11' },
        { id: '2014-02-10-geneva-second-round', word: 'تحديث', day: '2014-02-10' },
      ],
      locale: 'ar',
      dir: 'rtl',
      // The day is read first: rightmost in Arabic.
      dayFigure: (day: string) => String(Number(day.slice(8))),
    },
    {
      name: 'hebrew-update',
      labels: [{ id: '2014-02-10-geneva-hebrew', word: 'Update', day: '2014-02-10' }],
      locale: 'en-US',
      dir: 'ltr',
      // US dates lead with the month.
      dayFigure: (day: string) => String(Number(day.slice(5, 7))),
    },
  ] as const;

  for (const story of stories) {
    for (const view of ['email', 'living page'] as const) {
      it(`lays out the ${story.name} ${view} in each block's own direction at ${widths.join(', ')} px`, async () => {
        const root = await copyOf(story.name);
        const { rendered, project, story: loaded } = await renderPending(root);
        const html =
          view === 'email'
            ? rendered.html
            : storyPage(
                loaded,
                loaded.updates.filter((update) => !update.draft),
                [],
                project.config,
              );
        for (const width of widths) {
          const page = await browser.newPage({ viewport: { width, height: 800 } });
          try {
            await page.route('**/*', (route) => route.abort());
            await page.setContent(html);
            expect(await page.locator('html').getAttribute('dir')).toBe(story.dir);
            expect(await page.locator('html').getAttribute('lang')).toBe(story.locale);

            const blocks = await blocksOf(page);
            expect(blocks.filter((b) => b.expected === 'rtl').length).toBeGreaterThan(4);
            if (story.dir === 'ltr')
              expect(blocks.filter((b) => b.expected === 'ltr').length).toBeGreaterThan(4);
            for (const block of blocks) {
              const where = `${view} ${width}px <${block.tag}> ${block.text}`;
              expect(block.direction, where).toBe(block.expected);
              // Text starts on its own side (or is centred, as the footer is).
              expect(block.textAlign, where).not.toBe(block.expected === 'rtl' ? 'left' : 'right');
              // List indents and quote rules sit where lines start.
              if (['ul', 'ol', 'blockquote'].includes(block.tag))
                expect(block.startSide, where).toBeGreaterThan(block.endSide);
            }
            expect(
              blocks.some((b) => b.tag === 'td' && b.expected === 'rtl') || story.dir === 'ltr',
            ).toBe(true);

            const { scrollWidth, clientWidth } = await page.evaluate(() => ({
              scrollWidth: document.documentElement.scrollWidth,
              clientWidth: document.documentElement.clientWidth,
            }));
            expect(scrollWidth, `${view} at ${width}px`).toBeLessThanOrEqual(clientWidth);

            for (const label of story.labels) {
              const date = dayIn(story.locale, label.day);
              const selector =
                view === 'email' ? `p[id="${label.id}"]` : `article[id="${label.id}"] h3.label`;
              const layout = await labelLayout(page, selector, story.dayFigure(label.day));
              expect(layout.text).toBe(`${label.word} ${date}:`);
              expect(layout.isolated).toBe(date);
              // Read in the label's direction: word, date, colon; inside the date, the
              // figure read first (the day in Arabic, the month in US English) before the year.
              if (story.dir === 'rtl') {
                expect(layout.word.left).toBeGreaterThanOrEqual(layout.date.right - 1);
                expect(layout.colon.right).toBeLessThanOrEqual(layout.date.left + 1);
                expect(layout.day.left).toBeGreaterThan(layout.year.right - 1);
              } else {
                expect(layout.word.right).toBeLessThanOrEqual(layout.date.left + 1);
                expect(layout.colon.left).toBeGreaterThanOrEqual(layout.date.right - 1);
                expect(layout.day.right).toBeLessThan(layout.year.left + 1);
              }
            }
            await page.screenshot({
              path: path.join(screenshots, `${story.name}-${view.replace(' ', '-')}-${width}.png`),
              fullPage: true,
            });
          } finally {
            await page.close();
          }
        }
      });
    }
  }
});

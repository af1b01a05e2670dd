import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storyPage } from '../../src/archive/storyPage.js';
import { addressHash } from '../../src/ledger/addressHash.js';
import type { EditionRecord } from '../../src/ledger/EditionRecord.js';
import { readLedger } from '../../src/ledger/readLedger.js';
import { editionUrl } from '../../src/render/editionLinks.js';
import {
  archiveSubscribers,
  type PublishedStory,
  publishEnv,
  publishedStory,
  publishNow,
} from '../helpers/publish.js';
import { loadForRender, visibleText } from '../helpers/render.js';

interface NewsArticle {
  '@context': string;
  '@type': string;
  headline: string;
  datePublished: string;
  dateModified: string;
  publisher: { '@type': string; name: string; url: string };
  url: string;
  mainEntityOfPage: string;
  image?: string[];
}

/** The JSON-LD blocks of a page, parsed. */
function jsonLd(html: string): NewsArticle[] {
  return [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map(
    (match) => JSON.parse(match[1] ?? '') as NewsArticle,
  );
}

/** Every `href` of a page. */
function hrefs(html: string): string[] {
  return [...html.matchAll(/\shref="([^"]*)"/g)].map((m) => (m[1] ?? '').replaceAll('&amp;', '&'));
}

/** The inner HTML of the first element with this opening tag, up to its closing tag. */
function section(html: string, open: string, close: string): string {
  const start = html.indexOf(open);
  if (start < 0) throw new Error(`no ${open} in the page`);
  return html.slice(start, html.indexOf(close, start) + close.length);
}

describe('the archive pages of a published story', () => {
  let story: PublishedStory;
  let archive: string;
  let first: EditionRecord;
  let second: EditionRecord;
  const read = (file: string) => readFile(path.join(archive, file), 'utf8');

  beforeAll(async () => {
    story = await publishedStory();
    archive = path.join(story.root, 'archive');
    [first, second] = story.editions as [EditionRecord, EditionRecord];
  }, 60_000);
  afterAll(async () => {
    await story?.remove();
  });

  it('gives each edition page NewsArticle JSON-LD dated by the story and by its newest update', async () => {
    expect(story.editions.map((e) => e.updates)).toEqual([
      ['2014-02-11-homs-figure', '2014-02-10-second-round-geneva'],
      ['2014-02-12-talks-stall'],
    ]);
    const expected = [
      { record: first, dateModified: '2014-02-11' },
      { record: second, dateModified: '2014-02-12T09:30:00+01:00' },
    ];
    for (const { record, dateModified } of expected) {
      const html = await read(`${record.id}/index.html`);
      const blocks = jsonLd(html);
      expect(blocks).toHaveLength(1);
      const url = editionUrl(story.siteUrl, record.id);
      expect(blocks[0]).toMatchObject({
        '@context': 'https://schema.org',
        '@type': 'NewsArticle',
        headline: record.headline,
        datePublished: '2014-01-22',
        dateModified,
        publisher: { '@type': 'Organization', name: 'The Syria Brief', url: story.siteUrl },
        url,
        mainEntityOfPage: url,
        image: [new URL('images/geneva-ii-talks.png', story.siteUrl).href],
      });
      expect(html).toContain(`<link rel="canonical" href="${url}">`);
    }
    expect(first.headline).toBe('Second Round Of Syrian Peace Talks Under Way in Geneva');
    expect(second.headline).toBe('Geneva Talks Stall Over Transitional Government');
  });

  it('shows the web version with no per-recipient part: no token, no address, the greeting’s fallback', async () => {
    const hashes = archiveSubscribers.map((s) =>
      addressHash(s.email, String(publishEnv.STORYLINE_SECRET)),
    );
    for (const record of story.editions) {
      const html = await read(`${record.id}/index.html`);
      const text = await read(`${record.id}/email.txt`);
      expect(visibleText(html)).toContain('Dear reader,');
      for (const content of [html, text]) {
        expect(content).not.toMatch(/token=/i);
        for (const subscriber of archiveSubscribers) {
          expect(content.toLowerCase()).not.toContain(subscriber.email);
          expect(content).not.toContain(Buffer.from(subscriber.email).toString('base64url'));
          expect(content).not.toContain(subscriber.name);
        }
        for (const hash of hashes) expect(content).not.toContain(hash);
      }
      expect(hrefs(html)).toContain('https://example.org/syria-talks/unsubscribe');
    }
    // The same template did greet and tokenise each recipient in the mail itself.
    const outbox = path.join(story.root, '.storyline', 'outbox', second.id);
    const mails = await Promise.all(
      (await readdir(outbox)).map(async (f) => simpleParser(await readFile(path.join(outbox, f)))),
    );
    const ada = mails.find((m) => JSON.stringify(m.to).includes('ada@example.org'));
    expect(visibleText(String(ada?.html))).toContain('Dear Ada Lovelace,');
    expect(String(ada?.html)).toMatch(/unsubscribe\?token=/);
  });

  it('points in-page links of an edition page at the page itself, and links to other updates at the living page', async () => {
    const html = await read(`${second.id}/index.html`);
    const links = hrefs(html);
    // Relative, so the archive works from disk (the living page is `../index.html`).
    expect(links).toContain('#2014-02-12-talks-stall-fn-1');
    expect(links).toContain('../index.html#2014-02-10-second-round-geneva');
    const ids = new Set([...html.matchAll(/\sid="([^"]*)"/g)].map((m) => m[1]));
    for (const href of links.filter((link) => link.startsWith('#')))
      expect(ids, href).toContain(href.slice(1));
  });

  it('heads the living page with the current headline and lists every update newest first, labelled', async () => {
    const html = await read('index.html');
    expect(visibleText(section(html, '<h1>', '</h1>'))).toBe(
      'Geneva Talks Stall Over Transitional Government',
    );
    expect(visibleText(section(html, '<title>', '</title>'))).toBe(
      'Geneva Talks Stall Over Transitional Government · The Syria Brief',
    );
    const labels = [...html.matchAll(/<h3 class="label">([\s\S]*?)<\/h3>/g)].map((m) =>
      visibleText(m[1] ?? ''),
    );
    expect(labels).toEqual([
      'Update 2/12/2014, 3:30 AM EST:',
      'Correction 2/11/2014:',
      'Update 2/10/2014:',
    ]);
    const articles = [...html.matchAll(/<article class="([^"]*)" id="([^"]*)">/g)].map((m) => ({
      id: m[2],
      class: m[1],
    }));
    expect(articles).toEqual([
      { id: '2014-02-12-talks-stall', class: 'update' },
      { id: '2014-02-11-homs-figure', class: 'update correction' },
      { id: '2014-02-10-second-round-geneva', class: 'update' },
    ]);
    // A correction is told apart by the reader too, not only by the markup.
    // On the side where lines start: the left in English, the right in Arabic.
    expect(html).toMatch(/\.correction \{[^}]*border-inline-start/);
    const correction = section(html, '<article class="update correction"', '</article>');
    expect(visibleText(correction)).toMatch(/^Correction 2\/11\/2014: An earlier update said 300/);
  });

  it('carries the base story below the updates, and a link to each edition mailed', async () => {
    const html = await read('index.html');
    const text = visibleText(html);
    const updates = text.indexOf('Negotiators left the table after two hours');
    const base = text.indexOf(
      'The conflict, which began after the government violently suppressed protesters',
    );
    expect(updates).toBeGreaterThan(0);
    expect(base).toBeGreaterThan(updates);
    expect(text).toContain('according to the New York Times.');
    expect(text).toContain('Ole Skaar');

    const editions = section(html, '<section class="editions">', '</section>');
    const linked = [...editions.matchAll(/<a href="([^"]*)">([^<]*)<\/a>/g)].map((m) => ({
      href: m[1],
      subject: m[2],
    }));
    // Newest first, like the updates.
    expect(linked).toEqual(
      [second, first].map((record) => ({
        href: `${encodeURIComponent(record.id)}/index.html`,
        subject: record.subject,
      })),
    );
    // Each update links to the edition that mailed it.
    for (const [id, record] of [
      ['2014-02-12-talks-stall', second],
      ['2014-02-11-homs-figure', first],
      ['2014-02-10-second-round-geneva', first],
    ] as const) {
      const article = section(html, `id="${id}">`, '</article>');
      expect(hrefs(article), id).toContain(`${encodeURIComponent(record.id)}/index.html`);
    }
    expect(jsonLd(html)[0]).toMatchObject({
      '@type': 'NewsArticle',
      headline: 'Geneva Talks Stall Over Transitional Government',
      datePublished: '2014-01-22',
      dateModified: '2014-02-12T09:30:00+01:00',
      url: story.siteUrl,
    });
  });

  it('keeps the headline of the newest update that set one when a later update sets none', async () => {
    const { project, story: content } = await loadForRender(story.root, publishNow);
    const { ledger } = await readLedger(story.root);
    // As the page stood after the first edition: the update, then its correction with no headline.
    const published = content.updates.filter((u) => first.updates.includes(u.id));
    expect(published.map((u) => u.headline)).toEqual([
      'Second Round Of Syrian Peace Talks Under Way in Geneva',
      undefined,
    ]);
    const html = storyPage(content, published, ledger.editions.slice(0, 1), project.config);
    expect(visibleText(section(html, '<h1>', '</h1>'))).toBe(
      'Second Round Of Syrian Peace Talks Under Way in Geneva',
    );
  });
});

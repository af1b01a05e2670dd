import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Element, xml2js } from 'xml-js';
import { writeArchive } from '../../src/archive/writeArchive.js';
import { sampleFixture, updateMd, writeFiles } from '../helpers/fixture.js';
import { type PublishedStory, publishedStory, publishNow, publishOk } from '../helpers/publish.js';
import { loadForRender } from '../helpers/render.js';

const atomNs = 'http://www.w3.org/2005/Atom';

interface JsonFeed {
  version: string;
  title: string;
  home_page_url?: string;
  feed_url?: string;
  icon?: string;
  author?: unknown;
  authors?: { name?: string; url?: string }[];
  items: {
    id: string;
    url?: string;
    title?: string;
    content_html?: string;
    content_text?: string;
    tags?: string[];
    author?: unknown;
    authors?: { name?: string }[];
  }[];
}

/** The namespace an element's name is in, from the `xmlns` attributes on it and its ancestors. */
function namespaceOf(element: Element, ancestors: Element[]): string | undefined {
  const [prefix, local] = element.name?.includes(':') ? element.name.split(':') : ['', ''];
  const attribute = local ? `xmlns:${prefix}` : 'xmlns';
  for (const scope of [element, ...[...ancestors].reverse()]) {
    const value = scope.attributes?.[attribute];
    if (value !== undefined) return String(value);
  }
  return undefined;
}

function localName(element: Element): string {
  return element.name?.split(':').at(-1) ?? '';
}

function children(element: Element, name: string): Element[] {
  return (element.elements ?? []).filter((e) => e.type === 'element' && localName(e) === name);
}

function textOf(element: Element | undefined): string {
  return (element?.elements ?? [])
    .map((e) => (e.type === 'text' ? String(e.text) : e.type === 'cdata' ? String(e.cdata) : ''))
    .join('');
}

/** `feed.xml` read with a real XML parser: the root `feed` element, checked to be Atom's. */
async function readAtom(root: string): Promise<Element> {
  const document = xml2js(await readFile(path.join(root, 'archive', 'feed.xml'), 'utf8'), {
    compact: false,
  }) as Element;
  const elements = (document.elements ?? []).filter((e) => e.type === 'element');
  expect(elements).toHaveLength(1);
  const [feed] = elements as [Element];
  expect(localName(feed)).toBe('feed');
  expect(namespaceOf(feed, [])).toBe(atomNs);
  return feed;
}

async function readJsonFeed(root: string): Promise<JsonFeed> {
  return JSON.parse(await readFile(path.join(root, 'archive', 'feed.json'), 'utf8')) as JsonFeed;
}

/** Every URL in HTML attributes (`href`, `src`) of a document or fragment. */
function htmlUrls(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)].map((m) =>
    (m[1] ?? m[2] ?? m[3] ?? '').replaceAll('&amp;', '&'),
  );
}

/** A URL the archive may publish: absolute, and under siteUrl when it points at the site. */
function expectPublishable(url: string, siteUrl: string, where: string): void {
  expect(url, `${where}: ${url}`).toMatch(/^(https:|mailto:)/);
  if (new URL(url).host === new URL(siteUrl).host)
    expect(url.startsWith(siteUrl), `${where}: ${url} is not under ${siteUrl}`).toBe(true);
}

describe('the feeds of a published story', () => {
  let story: PublishedStory;
  beforeAll(async () => {
    story = await publishedStory();
  }, 60_000);
  afterAll(async () => {
    await story?.remove();
  });

  it('feed.xml is Atom with one entry per published update, each with id, title, link and updated', async () => {
    const feed = await readAtom(story.root);
    expect(textOf(children(feed, 'id')[0])).toBe(story.siteUrl);
    expect(textOf(children(feed, 'updated')[0])).toBe('2014-02-12T08:30:00.000Z');
    const entries = children(feed, 'entry');
    const published = story.editions.flatMap((e) => e.updates);
    expect(entries).toHaveLength(published.length);
    expect(entries).toHaveLength(3);
    for (const entry of entries) {
      for (const name of ['id', 'title', 'updated'])
        expect(textOf(children(entry, name)[0]).trim(), name).not.toBe('');
      expect(children(entry, 'link')[0]?.attributes?.href).toMatch(/^https:/);
      expect(Number.isNaN(Date.parse(textOf(children(entry, 'updated')[0])))).toBe(false);
    }
    // Newest first, each linking to its place on the living story page.
    expect(entries.map((e) => textOf(children(e, 'id')[0]))).toEqual(
      ['2014-02-12-talks-stall', '2014-02-11-homs-figure', '2014-02-10-second-round-geneva'].map(
        (id) => `${story.siteUrl}#${id}`,
      ),
    );
    expect(entries.map((e) => textOf(children(e, 'updated')[0]))).toEqual([
      '2014-02-12T08:30:00.000Z',
      '2014-02-11T05:00:00.000Z',
      '2014-02-10T05:00:00.000Z',
    ]);
    expect(textOf(children(entries[0] as Element, 'title')[0])).toBe(
      'Update 2/12/2014, 3:30 AM EST: Geneva Talks Stall Over Transitional Government',
    );
  });

  it('marks a correction in its Atom title and with a `correction` category, and only the correction', async () => {
    const entries = children(await readAtom(story.root), 'entry');
    const kinds = entries.map((entry) => ({
      title: textOf(children(entry, 'title')[0]),
      terms: children(entry, 'category').map((c) => c.attributes?.term),
    }));
    expect(kinds).toEqual([
      {
        title: 'Update 2/12/2014, 3:30 AM EST: Geneva Talks Stall Over Transitional Government',
        terms: ['update'],
      },
      { title: 'Correction 2/11/2014', terms: ['correction'] },
      {
        title: 'Update 2/10/2014: Second Round Of Syrian Peace Talks Under Way in Geneva',
        terms: ['update'],
      },
    ]);
  });

  it('feed.json has the JSON Feed 1.1 required fields and uses `authors`', async () => {
    const feed = await readJsonFeed(story.root);
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.title).toContain('Geneva Talks Stall Over Transitional Government');
    expect(feed.home_page_url).toBe(story.siteUrl);
    expect(feed.feed_url).toBe(new URL('feed.json', story.siteUrl).href);
    expect(feed.items.map((item) => item.id)).toEqual(
      ['2014-02-12-talks-stall', '2014-02-11-homs-figure', '2014-02-10-second-round-geneva'].map(
        (id) => `${story.siteUrl}#${id}`,
      ),
    );
    for (const item of feed.items) {
      expect(typeof item.id).toBe('string');
      expect(item.content_html ?? item.content_text).toBeTruthy();
      expect(item).not.toHaveProperty('author');
      expect(item.authors).toEqual([{ name: 'Ole Skaar' }]);
    }
    expect(feed).not.toHaveProperty('author');
    expect(feed.authors).toEqual([{ name: 'Ole Skaar' }]);
    expect(feed.items[1]?.title).toMatch(/^Correction /);
    expect(feed.items[1]?.tags).toEqual(['correction']);
  });

  it('links to the site’s own files only under siteUrl, relatively in pages and absolutely in feeds', async () => {
    const archive = path.join(story.root, 'archive');
    const pages = (await readdir(archive, { recursive: true })).filter((f) => f.endsWith('.html'));
    expect(pages.sort()).toEqual([
      ...story.editions.map((e) => `${e.id}/index.html`),
      'index.html',
    ]);
    const checked: string[] = [];
    const check = (url: string, where: string) => {
      expectPublishable(url, story.siteUrl, where);
      checked.push(url);
    };
    for (const page of pages) {
      // Pages link the archive's own files relatively (so it works from disk): resolved
      // where the page is published, each must still land under siteUrl.
      const pageUrl = new URL(page, story.siteUrl);
      for (const url of htmlUrls(await readFile(path.join(archive, page), 'utf8')))
        check(new URL(url, pageUrl).href, page);
    }

    const feed = await readAtom(story.root);
    const walk = (element: Element) => {
      const name = localName(element);
      if (name === 'link') check(String(element.attributes?.href), 'feed.xml link');
      if (['id', 'logo', 'icon'].includes(name)) check(textOf(element), `feed.xml ${name}`);
      if (name === 'content')
        for (const url of htmlUrls(textOf(element))) check(url, 'feed.xml content');
      for (const child of element.elements ?? []) if (child.type === 'element') walk(child);
    };
    walk(feed);

    const json = await readJsonFeed(story.root);
    for (const url of [json.home_page_url, json.feed_url, json.icon])
      if (url) check(url, 'feed.json');
    for (const item of json.items) {
      check(item.id, 'feed.json item id');
      if (item.url) check(item.url, 'feed.json item url');
      for (const url of htmlUrls(item.content_html ?? '')) check(url, 'feed.json content_html');
    }
    // The fixture's relative image, relative link, in-page link and footnote were all seen.
    expect(checked).toContain(new URL('images/geneva-ii-talks.png', story.siteUrl).href);
    expect(checked.some((url) => url.endsWith('-fn-1'))).toBe(true);
  });
});

describe('what the feeds leave out', () => {
  it('holds neither drafts nor updates not yet mailed', { timeout: 60_000 }, async () => {
    const root = await sampleFixture();
    await writeFiles(root, {
      'subscribers.csv': 'email,name\nada@example.org,Ada Lovelace\n',
    });
    await publishOk(root);
    await writeFiles(root, {
      'updates/2014-02-12-draft.md': updateMd(
        'date: 2014-02-12\nheadline: A Draft Headline\ndraft: true',
        'Still being written.\n',
      ),
      'updates/2014-02-13-unsent.md': updateMd(
        'date: 2014-02-13\nheadline: An Unsent Headline',
        'Written, merged, not yet mailed.\n',
      ),
    });
    // The archive brought up to date without a send: the new update is pending.
    const { project, story, template } = await loadForRender(root, publishNow);
    await writeArchive(project.root, story, project.config, template);

    const entries = children(await readAtom(root), 'entry');
    expect(entries.map((e) => textOf(children(e, 'id')[0]))).toEqual([
      `${project.config.siteUrl}#2014-02-10-second-round-geneva`,
    ]);
    const json = await readJsonFeed(root);
    expect(json.items.map((item) => item.id)).toEqual([
      `${project.config.siteUrl}#2014-02-10-second-round-geneva`,
    ]);
    for (const file of ['feed.xml', 'feed.json', 'index.html']) {
      const text = await readFile(path.join(root, 'archive', file), 'utf8');
      expect(text, file).not.toMatch(/Draft Headline|Still being written|Unsent Headline/);
    }
  });
});

describe('text in the feeds', () => {
  it('gives a headline and summary holding markup to feed readers as text, in Atom and JSON Feed', {
    timeout: 60_000,
  }, async () => {
    const headline = '<script>alert(1)</script>';
    const summary = 'A <b>bold</b> claim ]]><evil/> & more';
    const root = await sampleFixture();
    await writeFiles(root, {
      'subscribers.csv': 'email,name\nada@example.org,Ada Lovelace\n',
      'updates/2014-02-10-second-round-geneva.md': updateMd(
        `date: 2014-02-10\nheadline: "${headline}"\nsummary: "${summary}"`,
        'The second round opened.\n',
      ),
    });
    await publishOk(root);

    const feed = await readAtom(root);
    const [entry] = children(feed, 'entry') as [Element];
    const title = children(entry, 'title')[0] as Element;
    const summaryElement = children(entry, 'summary')[0] as Element;
    // Atom text constructs: plain text as it is, or HTML whose entities decode to the text.
    const asText = (element: Element) =>
      element.attributes?.type === 'html'
        ? textOf(element)
            .replaceAll('&lt;', '<')
            .replaceAll('&gt;', '>')
            .replaceAll('&quot;', '"')
            .replaceAll('&#39;', "'")
            .replaceAll('&#123;', '{')
            .replaceAll('&amp;', '&')
        : textOf(element);
    for (const element of [title, summaryElement]) {
      if (element.attributes?.type === 'html') expect(textOf(element)).not.toMatch(/<[a-z]/i);
      else expect(element.attributes?.type ?? 'text').toBe('text');
    }
    expect(asText(title)).toBe(`Update 2/10/2014: ${headline}`);
    expect(asText(summaryElement)).toBe(summary);
    // The feed's own title is text: no element of the feed comes from the headline.
    expect(textOf(children(feed, 'title')[0])).toContain(headline);
    const names = (element: Element): string[] => [
      localName(element),
      ...(element.elements ?? []).filter((e) => e.type === 'element').flatMap(names),
    ];
    expect(names(feed)).not.toContain('script');
    expect(names(feed)).not.toContain('evil');

    const json = await readJsonFeed(root);
    expect(json.title).toContain(headline);
    const [item] = json.items as [JsonFeed['items'][number] & { summary?: string }];
    expect(item.title).toBe(`Update 2/10/2014: ${headline}`);
    expect(item.summary).toBe(summary);
    expect(item.content_html).not.toContain('<script');
    expect(item.content_html).not.toContain('<b>');
  });
});

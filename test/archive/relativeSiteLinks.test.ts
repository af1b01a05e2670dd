import { toHtml } from 'hast-util-to-html';
import { h } from 'hastscript';
import { describe, expect, it } from 'vitest';
import { editionPage } from '../../src/archive/editionPage.js';
import { relativeSiteLinks } from '../../src/archive/relativeSiteLinks.js';
import { storyFeeds } from '../../src/archive/storyFeeds.js';
import { storyPage } from '../../src/archive/storyPage.js';
import { sampleFixture } from '../helpers/fixture.js';
import { publishNow } from '../helpers/publish.js';
import { renderPending } from '../helpers/render.js';

const site = 'https://example.org/syria-talks/';

/** `[tag, attribute value]` of every URL attribute of a page. */
function urls(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) => m[1] ?? '');
}

describe('links of an archive page to the archive’s own files', () => {
  const relative = (url: string, page: string, keep: string[] = []) => {
    const tree = h('div', [h('a', { href: url }), h('img', { src: url, alt: '' })]);
    const html = toHtml(relativeSiteLinks(tree, page, site, keep));
    const [href, src] = urls(html);
    expect(src).toBe(href);
    return href;
  };

  it('are relative to the page, with a page linked as its index.html', () => {
    expect(relative(`${site}images/a.png`, site)).toBe('images/a.png');
    expect(relative(`${site}images/a.png`, `${site}2014-02-10-x/`)).toBe('../images/a.png');
    expect(relative(site, `${site}2014-02-10-x/`)).toBe('../index.html');
    expect(relative(`${site}#update`, `${site}2014-02-10-x/`)).toBe('../index.html#update');
    expect(relative(`${site}2014-02-10-x/`, site)).toBe('2014-02-10-x/index.html');
    expect(relative(`${site}2014-02-10-x/`, `${site}2014-02-10-x/`)).toBe('index.html');
    expect(relative(`${site}feed.xml`, site)).toBe('feed.xml');
    expect(relative(`${site}a%20b/c.pdf?v=1`, `${site}x/`)).toBe('../a%20b/c.pdf?v=1');
  });

  it('keep an in-page fragment a bare fragment', () => {
    expect(relative(`${site}#update`, site)).toBe('#update');
    expect(relative(`${site}x/#fn-1`, `${site}x/`)).toBe('#fn-1');
  });

  it('leave links off the site, beside it and to kept endpoints absolute', () => {
    for (const url of [
      'https://www.un.org/report.pdf',
      'https://example.org/about',
      'https://example.org/syria-talks-2/',
      'http://example.org/syria-talks/images/a.png',
      'mailto:news@example.org',
    ])
      expect(relative(url, site)).toBe(url);
    expect(relative(`${site}unsubscribe`, `${site}x/`, [`${site}unsubscribe`])).toBe(
      `${site}unsubscribe`,
    );
  });

  it('never read a first segment with a colon as a scheme', () => {
    expect(relative(`${site}a:b.png`, site)).toBe('./a:b.png');
  });

  it('leave the canonical link absolute', () => {
    const tree = h('head', [h('link', { rel: 'canonical', href: site })]);
    expect(toHtml(relativeSiteLinks(tree, site, site))).toBe(
      `<head><link rel="canonical" href="${site}"></head>`,
    );
  });
});

describe('what must stay absolute when the pages link relatively', () => {
  it('keeps the canonical link, the JSON-LD and every URL of the feeds and the email absolute', async () => {
    const root = await sampleFixture();
    const { story, project, edition, rendered } = await renderPending(root, { now: publishNow });
    const image = `${site}images/geneva-ii-talks.png`;

    const living = storyPage(story, story.updates, [], project.config);
    const page = editionPage(rendered, project.config, story.base).html;
    for (const html of [living, page]) {
      const jsonLd = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)?.[1];
      const data = JSON.parse(jsonLd ?? '') as { url: string; image: string[] };
      expect(data.url).toMatch(new RegExp(`^${site}`));
      expect(data.image).toEqual([image]);
      expect(html).toMatch(new RegExp(`<link rel="canonical" href="${site}[^"]*">`));
      // The page itself shows the image relatively.
      expect(urls(html)).not.toContain(image);
    }
    expect(urls(living)).toContain('images/geneva-ii-talks.png');
    expect(urls(page)).toContain('../images/geneva-ii-talks.png');

    // The email as mailed links absolutely: it is read far from the archive.
    expect(urls(rendered.html)).toContain(image);
    expect(urls(rendered.html)).toContain(`${site}${edition.id}/`);

    const { atom, json } = storyFeeds(story, story.updates, project.config);
    const atomUrls = [
      ...atom.matchAll(/\shref="([^"]*)"/g),
      ...atom.matchAll(/<(?:id|icon|logo)>([^<]*)</g),
    ].map((m) => m[1] ?? '');
    const feed = JSON.parse(json) as {
      home_page_url: string;
      feed_url: string;
      items: { id: string; url: string }[];
    };
    const jsonUrls = [
      feed.home_page_url,
      feed.feed_url,
      ...feed.items.flatMap((item) => [item.id, item.url]),
    ];
    expect(atomUrls.length).toBeGreaterThan(3);
    for (const url of [...atomUrls, ...jsonUrls]) {
      expect(url).toMatch(/^https:\/\//);
      if (new URL(url).host === 'example.org') expect(url.startsWith(site), url).toBe(true);
    }
    // The body's image, in an entry's content, too.
    expect(atomUrls).toContain(image);
    expect(atomUrls).toContain(`${site}feed.xml`);
    expect(jsonUrls).toContain(`${site}feed.json`);
  });
});

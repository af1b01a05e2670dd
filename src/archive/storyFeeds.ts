import { Feed } from 'feed';
import { toHtml } from 'hast-util-to-html';
import type { Config } from '../config/configSchema.js';
import type { Story, Update } from '../content/Story.js';
import { headlineInEffect } from '../edition/headlineInEffect.js';
import { wordsFor } from '../i18n/wordsFor.js';
import { absoluteUrl } from '../render/absoluteUrl.js';
import { escapeXml } from '../render/escapeXml.js';
import { formatUpdateLabel } from '../render/formatUpdateLabel.js';
import { differs, storyLanguages } from '../render/Language.js';
import { mdastToHast } from '../render/mdastToHast.js';
import { absoluteFragments } from './absoluteFragments.js';
import { storyPageUrl } from './storyPageUrl.js';

/**
 * The story's Atom feed and JSON Feed: one entry per published update, the
 * newest `feeds.entries` of them, newest first, each linking to its place on
 * the living story page (the page of it that holds the update now), with
 * `updated` from the update's own date (so a rerun writes the same bytes)
 * and corrections marked in the title and as a category. Made with the
 * `feed` library; its JSON output is JSON Feed 1.0, so it is lifted to 1.1
 * here (`authors`, `language`). Pure.
 *
 * Headlines and summaries are text a writer typed, but `feed` puts an Atom
 * entry's title and summary into CDATA as `type="html"`: they are escaped
 * for the Atom feed, so `<script>` in a headline reaches a reader as text.
 * JSON Feed's `title` and `summary` are plain text by its spec, so the JSON
 * Feed gets them as they are.
 */
export function storyFeeds(
  story: Story,
  updates: readonly Update[],
  config: Config,
): { atom: string; json: string } {
  const languages = storyLanguages(story.base, config);
  // Newest first, as the entries are: an update's own language where it is not the feed's.
  const entryLanguages = [...updates]
    .reverse()
    .slice(0, config.feeds.entries)
    .map((update) => {
      const own = languages.of(update);
      return differs(own, languages.publication) ? own.lang : undefined;
    });
  return {
    atom: withXmlLang(
      feedOf(story, updates, config, escapeXml).atom1(),
      config.locale,
      entryLanguages,
    ),
    json: toJsonFeed11(
      feedOf(story, updates, config, (text) => text).json1(),
      config.locale,
      entryLanguages,
    ),
  };
}

/** The feed with every entry's title and summary passed through `entryText`. */
function feedOf(
  story: Story,
  updates: readonly Update[],
  config: Config,
  entryText: (text: string) => string,
): Feed {
  const site = config.siteUrl;
  const words = wordsFor(config.locale, config.labels);
  const newestFirst = [...updates].reverse();
  const headline = headlineInEffect(story.base, updates);
  const author = story.base.byline ? { name: story.base.byline } : undefined;
  const feed = new Feed({
    id: site,
    title: `${config.publication}: ${headline}`,
    ...(story.base.dek ? { description: story.base.dek } : {}),
    link: site,
    language: config.locale,
    updated: new Date(newestFirst[0]?.date.epochMs ?? story.base.published.epochMs),
    generator: 'storyline',
    feedLinks: { atom: new URL('feed.xml', site).href, json: new URL('feed.json', site).href },
    ...(author ? { author } : {}),
    ...(story.base.image ? { image: absoluteUrl(story.base.image.src, site) } : {}),
  });
  for (const [index, update] of newestFirst.slice(0, config.feeds.entries).entries()) {
    const label = formatUpdateLabel(update, config).replace(/:$/, '');
    // The id never changes; the link follows the update to the page it is on now.
    const id = `${site}#${encodeURIComponent(update.id)}`;
    const page = storyPageUrl(site, Math.floor(index / config.archive.pageSize) + 1);
    const link = `${page}#${encodeURIComponent(update.id)}`;
    feed.addItem({
      id,
      title: entryText(update.headline ? `${label}: ${update.headline}` : label),
      link,
      date: new Date(update.date.epochMs),
      published: new Date(update.date.epochMs),
      content: toHtml(
        absoluteFragments(
          mdastToHast(update.body, { siteUrl: site, idPrefix: update.id, words }),
          page,
          site,
        ),
      ).trim(),
      ...(update.summary ? { description: entryText(update.summary) } : {}),
      ...(author ? { author: [author] } : {}),
      category: [
        { name: update.kind, term: update.kind, scheme: new URL('feed.xml#kind', site).href },
      ],
    });
  }
  return feed;
}

type JsonFeedAuthor = { name?: string; url?: string; avatar?: string };
type JsonFeedObject = {
  version: string;
  author?: JsonFeedAuthor;
  authors?: JsonFeedAuthor[];
  language?: string;
  items: JsonFeedObject[];
};

/**
 * `xml:lang` on the Atom feed, and on each entry whose update is told in
 * another language: the `feed` library writes neither. Its root and entry
 * tags are fixed strings, and text inside is escaped, so they are found by
 * their exact spelling.
 */
function withXmlLang(atom: string, language: string, entries: (string | undefined)[]): string {
  const root = '<feed xmlns="http://www.w3.org/2005/Atom">';
  if (!atom.includes(root)) throw new Error('the feed library changed its Atom root tag');
  let index = 0;
  return atom
    .replace(root, `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${escapeXml(language)}">`)
    .replace(/<entry>/g, () => {
      const lang = entries[index++];
      return lang ? `<entry xml:lang="${escapeXml(lang)}">` : '<entry>';
    });
}

/**
 * JSON Feed 1.0 from the `feed` library to 1.1: `author` becomes `authors`,
 * and `language` is set, on an item too where its update is in another.
 */
function toJsonFeed11(json: string, language: string, entries: (string | undefined)[]): string {
  const data = JSON.parse(json) as JsonFeedObject;
  const lift = (object: Partial<JsonFeedObject>) => {
    if (object.author) {
      object.authors = [object.author];
      delete object.author;
    }
  };
  lift(data);
  data.items.forEach((item, index) => {
    lift(item);
    const own = entries[index];
    if (own) item.language = own;
  });
  const { version: _version, ...rest } = data;
  return `${JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', ...rest, language }, null, 2)}\n`;
}

import { Feed } from 'feed';
import { toHtml } from 'hast-util-to-html';
import type { Config } from '../config/configSchema.js';
import type { Story, Update } from '../content/Story.js';
import { headlineInEffect } from '../edition/headlineInEffect.js';
import { absoluteUrl } from '../render/absoluteUrl.js';
import { escapeXml } from '../render/escapeXml.js';
import { formatUpdateLabel } from '../render/formatUpdateLabel.js';
import { mdastToHast } from '../render/mdastToHast.js';
import { absoluteFragments } from './absoluteFragments.js';

/**
 * The story's Atom feed and JSON Feed: one entry per published update,
 * newest first, each linking to its place on the living story page, with
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
  return {
    atom: feedOf(story, updates, config, escapeXml).atom1(),
    json: toJsonFeed11(feedOf(story, updates, config, (text) => text).json1(), config.locale),
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
  for (const update of newestFirst) {
    const label = formatUpdateLabel(update, config).replace(/:$/, '');
    const link = `${site}#${encodeURIComponent(update.id)}`;
    feed.addItem({
      id: link,
      title: entryText(update.headline ? `${label}: ${update.headline}` : label),
      link,
      date: new Date(update.date.epochMs),
      published: new Date(update.date.epochMs),
      content: toHtml(
        absoluteFragments(mdastToHast(update.body, { siteUrl: site, idPrefix: update.id }), site),
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

/** JSON Feed 1.0 from the `feed` library to 1.1: `author` becomes `authors`, and `language` is set. */
function toJsonFeed11(json: string, language: string): string {
  const data = JSON.parse(json) as JsonFeedObject;
  const lift = (object: Partial<JsonFeedObject>) => {
    if (object.author) {
      object.authors = [object.author];
      delete object.author;
    }
  };
  lift(data);
  for (const item of data.items) lift(item);
  const { version: _version, ...rest } = data;
  return `${JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', ...rest, language }, null, 2)}\n`;
}

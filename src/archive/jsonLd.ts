import type { Element } from 'hast';
import { h } from 'hastscript';
import type { Config } from '../config/configSchema.js';
import { isoDate } from '../content/isoDate.js';
import type { BaseStory } from '../content/Story.js';
import type { StoryDate } from '../content/StoryDate.js';
import { absoluteUrl } from '../render/absoluteUrl.js';

/** What differs between the pages that describe the story as a `NewsArticle`. */
export interface NewsArticlePage {
  headline: string;
  description?: string | undefined;
  /** The newest update the page shows, if any. */
  modified?: StoryDate | undefined;
  /** The page's own address. */
  url: string;
}

/**
 * schema.org `NewsArticle` data for a page of the story (the living page or
 * an edition's): who published it and when, its byline and image from the
 * base story. Pure.
 */
export function newsArticle(
  page: NewsArticlePage,
  base: BaseStory,
  config: Pick<Config, 'publication' | 'siteUrl'>,
): Record<string, unknown> {
  return {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: page.headline,
    ...(page.description ? { description: page.description } : {}),
    datePublished: isoDate(base.published),
    dateModified: isoDate(page.modified ?? base.published),
    ...(base.byline ? { author: [{ '@type': 'Person', name: base.byline }] } : {}),
    publisher: { '@type': 'Organization', name: config.publication, url: config.siteUrl },
    ...(base.image ? { image: [absoluteUrl(base.image.src, config.siteUrl)] } : {}),
    mainEntityOfPage: page.url,
    url: page.url,
  };
}

/**
 * A `<script type="application/ld+json">` element. A script's text is
 * written as it is, so every `<` in the JSON is written `\u003c`: no value
 * can close the script or open a comment.
 */
export function jsonLdScript(data: unknown): Element {
  return h(
    'script',
    { type: 'application/ld+json' },
    JSON.stringify(data).replaceAll('<', '\\u003c'),
  );
}

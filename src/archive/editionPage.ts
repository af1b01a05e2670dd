import type { Config } from '../config/configSchema.js';
import { isoDate } from '../content/isoDate.js';
import type { BaseStory } from '../content/Story.js';
import { footerUnsubscribeUrl } from '../deliver/listHeaders.js';
import { absoluteUrl } from '../render/absoluteUrl.js';
import { editionUrl } from '../render/editionLinks.js';
import { escapeXml } from '../render/escapeXml.js';
import { personalise } from '../render/personalise.js';
import type { Rendered } from '../render/Rendered.js';
import { absoluteFragments } from './absoluteFragments.js';
import { jsonLdScript } from './jsonLd.js';

/**
 * The web version of an edition, `archive/<id>/index.html`: the email as
 * mailed, with the per-recipient parts made general (the unsubscribe link
 * goes to the unsubscribe page, the greeting to "reader") and schema.org
 * `NewsArticle` data for search engines. Also its plain text. Pure.
 */
export function editionPage(
  rendered: Rendered,
  config: Config,
  base: BaseStory,
): { html: string; text: string } {
  const { edition } = rendered;
  const { html, text } = personalise(rendered, {
    // The page holds no token: the unsubscribe page or address itself.
    unsubscribeUrl: footerUnsubscribeUrl(
      {
        ...(config.unsubscribe.url ? { url: config.unsubscribe.url } : {}),
        ...(config.unsubscribe.mailto ? { mailto: `mailto:${config.unsubscribe.mailto}` } : {}),
      },
      config,
    ),
    name: 'reader',
  });
  const url = editionUrl(config.siteUrl, edition.id);
  const newest = edition.newUpdates[0];
  const article = {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: edition.headline,
    description: edition.preheader,
    datePublished: isoDate(base.published),
    dateModified: newest ? isoDate(newest.date) : isoDate(base.published),
    ...(base.byline ? { author: [{ '@type': 'Person', name: base.byline }] } : {}),
    publisher: { '@type': 'Organization', name: config.publication, url: config.siteUrl },
    ...(base.image ? { image: [absoluteUrl(base.image.src, config.siteUrl)] } : {}),
    mainEntityOfPage: url,
    url,
  };
  const head = `<link rel="canonical" href="${escapeXml(url)}">${jsonLdScript(article)}`;
  // A fragment not on this page is an update's: the living story page holds them all.
  return {
    // A replacer function, not a string: `$&` or `$'` in a headline must stay text.
    html: absoluteFragments(html, url, config.siteUrl).replace(/<\/head>/i, () => `${head}</head>`),
    text,
  };
}

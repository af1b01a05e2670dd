import type { Config } from '../config/configSchema.js';
import { isoDate } from '../content/isoDate.js';
import type { Story, Update } from '../content/Story.js';
import { headlineInEffect } from '../edition/headlineInEffect.js';
import { absoluteUrl } from '../render/absoluteUrl.js';
import { editionUrl } from '../render/editionLinks.js';
import { escapeXml } from '../render/escapeXml.js';
import { formatUpdateLabel } from '../render/formatUpdateLabel.js';
import { mdastToHtml } from '../render/mdastToHtml.js';
import { absoluteFragments } from './absoluteFragments.js';
import type { EditionRecord } from './EditionRecord.js';
import { jsonLdScript } from './jsonLd.js';

/**
 * `archive/index.html`, the living story page: the headline in effect, every
 * published update newest first with its label (corrections marked), the
 * base story, and a link to each edition mailed. Every link is absolute
 * under siteUrl. Depends only on content and records, so publishing twice
 * writes the same bytes. Pure.
 */
export function storyPage(
  story: Story,
  updates: readonly Update[],
  editions: readonly EditionRecord[],
  config: Config,
): string {
  const { base } = story;
  const site = config.siteUrl;
  const newestFirst = [...updates].reverse();
  const headline = headlineInEffect(base, updates);
  const editionOf = new Map<string, EditionRecord>();
  for (const record of editions) for (const id of record.updates) editionOf.set(id, record);
  const dayFormat = new Intl.DateTimeFormat(config.locale, {
    dateStyle: 'long',
    timeZone: config.timeZone,
  });
  const e = escapeXml;

  const article = {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline,
    ...(base.dek ? { description: base.dek } : {}),
    datePublished: isoDate(base.published),
    dateModified: isoDate(newestFirst[0]?.date ?? base.published),
    ...(base.byline ? { author: [{ '@type': 'Person', name: base.byline }] } : {}),
    publisher: { '@type': 'Organization', name: config.publication, url: site },
    ...(base.image ? { image: [absoluteUrl(base.image.src, site)] } : {}),
    mainEntityOfPage: site,
    url: site,
  };

  const updateHtml = newestFirst
    .map((update) => {
      const record = editionOf.get(update.id);
      const correction = update.kind === 'correction';
      return `<article class="update${correction ? ' correction' : ''}" id="${e(update.id)}">
<h3 class="label"><a href="${e(`${site}#${encodeURIComponent(update.id)}`)}">${e(formatUpdateLabel(update, config))}</a></h3>
${update.headline ? `<p class="headline-change">${e(update.headline)}</p>\n` : ''}${mdastToHtml(update.body, { siteUrl: site, idPrefix: update.id })}
${record ? `<p class="edition-link"><a href="${e(editionUrl(site, record.id))}">As mailed: ${e(record.subject)}</a></p>` : ''}
</article>`;
    })
    .join('\n');

  const editionItems = [...editions]
    .reverse()
    .map(
      (record) =>
        `<li><a href="${e(editionUrl(site, record.id))}">${e(record.subject)}</a> <span class="when">${e(dayFormat.format(new Date(record.startedAt)))}</span></li>`,
    )
    .join('\n');

  const newest = newestFirst[0];
  const meta = [
    newest
      ? `Updated ${e(
          formatUpdateLabel(newest, config)
            .replace(/^\S+\s+/, '')
            .replace(/:$/, ''),
        )}`
      : '',
    `First published ${e(dayFormat.format(base.published.epochMs))}`,
    `${updates.length} update${updates.length === 1 ? '' : 's'}`,
  ]
    .filter(Boolean)
    .join(' · ');

  const page = `<!doctype html>
<html lang="${e(config.locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(headline)} · ${e(config.publication)}</title>
${base.dek ? `<meta name="description" content="${e(base.dek)}">\n` : ''}<link rel="canonical" href="${e(site)}">
<link rel="alternate" type="application/atom+xml" title="${e(config.publication)}" href="${e(new URL('feed.xml', site).href)}">
<link rel="alternate" type="application/feed+json" title="${e(config.publication)}" href="${e(new URL('feed.json', site).href)}">
${jsonLdScript(article)}
<style>
body { margin: 0; background: #f3f1ec; color: #1f2328; font: 18px/1.6 Georgia, "Times New Roman", serif; }
header, main, footer { max-width: 680px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 20px; font: 700 13px/1.4 Helvetica, Arial, sans-serif; letter-spacing: .08em; text-transform: uppercase; }
header a { color: #6b645a; text-decoration: none; }
main { background: #fff; padding-top: 24px; padding-bottom: 24px; margin-top: 12px; }
figure { margin: 0 0 20px; }
figure img { width: 100%; height: auto; display: block; }
figcaption { font: 12px/1.4 Helvetica, Arial, sans-serif; color: #6b645a; margin-top: 6px; }
h1 { font-size: 32px; line-height: 1.2; margin: 0 0 12px; }
.dek { font-size: 20px; color: #4a4540; margin: 0 0 12px; }
.meta { font: 13px/1.5 Helvetica, Arial, sans-serif; color: #6b645a; margin: 0 0 24px; }
h2 { font: 700 13px/1.4 Helvetica, Arial, sans-serif; letter-spacing: .08em; text-transform: uppercase; color: #6b645a; border-top: 1px solid #d8d4cc; padding-top: 16px; margin: 32px 0 16px; }
.update { margin: 0 0 28px; }
.update .label { font: 700 15px/1.4 Helvetica, Arial, sans-serif; margin: 0 0 8px; }
.update .label a { color: #a4312a; text-decoration: none; }
.correction { border-left: 3px solid #c98a00; padding-left: 14px; }
.correction .label a { color: #7a4f00; }
.headline-change { font-weight: 700; margin: 0 0 8px; }
.edition-link { font: 13px/1.4 Helvetica, Arial, sans-serif; }
a { color: #a4312a; }
blockquote { margin: 0 0 16px; padding-left: 16px; border-left: 3px solid #d8d4cc; color: #4a4540; }
table { border-collapse: collapse; width: 100%; font-size: 15px; }
th, td { border: 1px solid #d8d4cc; padding: 6px 8px; text-align: left; }
img { max-width: 100%; height: auto; }
.byline { font: 700 14px/1.4 Helvetica, Arial, sans-serif; }
.editions ul { padding-left: 20px; }
.when { font: 13px/1.4 Helvetica, Arial, sans-serif; color: #6b645a; }
footer { font: 12px/1.5 Helvetica, Arial, sans-serif; color: #6b645a; padding: 20px; text-align: center; }
footer a { color: #6b645a; }
@media (prefers-color-scheme: dark) {
  body { background: #121416; color: #e4e1da; }
  main { background: #1c1f23; }
  .dek, blockquote { color: #c9c4bb; }
  a, .update .label a { color: #f2978c; }
}
</style>
</head>
<body>
<header><a href="${e(site)}">${e(config.publication)}</a></header>
<main>
${
  base.image
    ? `<figure><img src="${e(absoluteUrl(base.image.src, site))}" alt="${e(base.image.alt)}">${base.image.credit ? `<figcaption>${e(base.image.credit)}</figcaption>` : ''}</figure>\n`
    : ''
}<h1>${e(headline)}</h1>
${base.dek ? `<p class="dek">${e(base.dek)}</p>\n` : ''}<p class="meta">${meta}</p>
${updates.length > 0 ? `<section class="updates">\n<h2>Updates</h2>\n${updateHtml}\n</section>\n` : ''}<section class="story">
<h2>The story</h2>
${mdastToHtml(base.body, { siteUrl: site, idPrefix: 'story' })}
${base.byline ? `<p class="byline">${e(base.byline)}</p>\n` : ''}</section>
${editionItems ? `<section class="editions">\n<h2>Editions mailed</h2>\n<ul>\n${editionItems}\n</ul>\n</section>\n` : ''}</main>
<footer>${config.postalAddress ? `${e(config.postalAddress)} · ` : ''}<a href="${e(new URL('feed.xml', site).href)}">Atom feed</a> · <a href="${e(new URL('feed.json', site).href)}">JSON Feed</a></footer>
</body>
</html>
`;
  return absoluteFragments(page, site);
}

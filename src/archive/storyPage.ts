import type { ElementContent, Root } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { h } from 'hastscript';
import type { Root as MdastRoot } from 'mdast';
import type { Config } from '../config/configSchema.js';
import type { Story, Update } from '../content/Story.js';
import { headlineInEffect } from '../edition/headlineInEffect.js';
import { wordsFor } from '../i18n/wordsFor.js';
import type { EditionRecord } from '../ledger/EditionRecord.js';
import { absoluteUrl } from '../render/absoluteUrl.js';
import { editionUrl } from '../render/editionLinks.js';
import { formatUpdateDate, updateLabelParts } from '../render/formatUpdateLabel.js';
import { differs, type Language, storyLanguages } from '../render/Language.js';
import { type HastOptions, mdastToHast } from '../render/mdastToHast.js';
import { absoluteFragments } from './absoluteFragments.js';
import { jsonLdScript, newsArticle } from './jsonLd.js';
import { relativeSiteLinks } from './relativeSiteLinks.js';
import { storyPageCount, storyPageUrl } from './storyPageUrl.js';
import { subscribeForm, subscribeFormStyles } from './subscribeForm.js';

/**
 * `archive/index.html`, the living story page: the headline in effect, the
 * newest `archive.pageSize` published updates newest first with their labels
 * (corrections marked), the base story, and a link to each edition mailed.
 * Page `pageNumber` (2 and on, `archive/page/<n>.html`) holds the next older
 * updates and the editions that mailed them instead of the story; every page
 * links the next and previous (`rel="next"`, `rel="prev"`), so no page grows
 * with the story. A story that fits on one page has no page links. Links to
 * the archive's own files are relative (it works from disk too); the
 * canonical link and the JSON-LD are absolute under siteUrl. Built as a hast
 * tree, so every text and attribute is escaped by `hast-util-to-html`. Depends only on content and records, so
 * publishing twice writes the same bytes. Pure.
 */
export function storyPage(
  story: Story,
  updates: readonly Update[],
  editions: readonly EditionRecord[],
  config: Config,
  pageNumber = 1,
): string {
  const { base } = story;
  const site = config.siteUrl;
  const size = config.archive.pageSize;
  const pageCount = storyPageCount(updates, config);
  const first = pageNumber === 1;
  const pageUrl = storyPageUrl(site, pageNumber);
  const prevUrl = pageNumber > 1 ? storyPageUrl(site, pageNumber - 1) : undefined;
  const nextUrl = pageNumber < pageCount ? storyPageUrl(site, pageNumber + 1) : undefined;
  const allNewestFirst = [...updates].reverse();
  const newestFirst = allNewestFirst.slice((pageNumber - 1) * size, pageNumber * size);
  const headline = headlineInEffect(base, updates);
  const editionOf = new Map<string, EditionRecord>();
  for (const record of editions) for (const id of record.updates) editionOf.set(id, record);
  // One page lists every edition; of several, each lists those that mailed its updates.
  const listed =
    pageCount === 1
      ? editions
      : [...new Set(newestFirst.flatMap((u) => editionOf.get(u.id) ?? []))].reverse();
  const dayFormat = new Intl.DateTimeFormat(config.locale, {
    dateStyle: 'long',
    timeZone: config.timeZone,
  });
  const words = wordsFor(config.locale, config.labels);
  const languages = storyLanguages(base, config);
  const { publication } = languages;
  /** `lang` and `dir` of a block whose language is not the page's. */
  const own = (language: Language) =>
    differs(language, publication) ? { lang: language.lang, dir: language.dir } : {};
  const feedXml = new URL('feed.xml', site).href;
  const feedJson = new URL('feed.json', site).href;

  const updateArticles = newestFirst.map((update) => {
    const record = editionOf.get(update.id);
    return h(
      'article',
      {
        className: ['update', ...(update.kind === 'correction' ? ['correction'] : [])],
        id: update.id,
      },
      lines(
        h(
          'h3.label',
          h('a', { href: `${pageUrl}#${encodeURIComponent(update.id)}` }, labelOf(update, config)),
        ),
        update.headline
          ? h('p.headline-change', own(languages.of(update)), update.headline)
          : undefined,
        ...inLanguage(
          own(languages.of(update)),
          bodyOf(update.body, { siteUrl: site, idPrefix: update.id, words }),
        ),
        record
          ? h(
              'p.edition-link',
              h(
                'a',
                { href: editionUrl(site, record.id) },
                words.get('asMailed', { subject: record.subject }),
              ),
            )
          : undefined,
      ),
    );
  });

  const editionItems = [...listed]
    .reverse()
    .map((record) =>
      h('li', [
        h('a', { href: editionUrl(site, record.id) }, record.subject),
        ' ',
        h('span.when', dayFormat.format(new Date(record.startedAt))),
      ]),
    );

  const newest = allNewestFirst[0];
  const meta = [
    newest ? words.get('updatedOn', { date: formatUpdateDate(newest, config) }) : '',
    words.get('firstPublished', { date: dayFormat.format(base.published.epochMs) }),
    words.get('updateCount', { count: updates.length }),
  ]
    .filter(Boolean)
    .join(' · ');

  const pageWords = words.get('pageOf', { page: pageNumber, count: pageCount });
  const pageLinks =
    pageCount > 1
      ? h('nav.pages', [
          ...(prevUrl
            ? [h('a', { href: prevUrl, rel: 'prev' }, words.get('newerUpdates')), ' · ']
            : []),
          h('span', pageWords),
          ...(nextUrl
            ? [' · ', h('a', { href: nextUrl, rel: 'next' }, words.get('olderUpdates'))]
            : []),
        ])
      : undefined;

  const head = h(
    'head',
    lines(
      h('meta', { charSet: 'utf-8' }),
      h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
      h(
        'title',
        first
          ? `${headline} · ${config.publication}`
          : `${headline} · ${pageWords} · ${config.publication}`,
      ),
      base.dek ? h('meta', { name: 'description', content: base.dek }) : undefined,
      h('link', { rel: 'canonical', href: pageUrl }),
      prevUrl ? h('link', { rel: 'prev', href: prevUrl }) : undefined,
      nextUrl ? h('link', { rel: 'next', href: nextUrl }) : undefined,
      h('link', {
        rel: 'alternate',
        type: 'application/atom+xml',
        title: config.publication,
        href: feedXml,
      }),
      h('link', {
        rel: 'alternate',
        type: 'application/feed+json',
        title: config.publication,
        href: feedJson,
      }),
      // The article is the first page; the others are its older updates.
      first
        ? jsonLdScript(
            newsArticle(
              { headline, description: base.dek, modified: newest?.date, url: site },
              base,
              config,
            ),
          )
        : undefined,
      h(
        'style',
        styles +
          (config.serve.publicUrl ? subscribeFormStyles : '') +
          (pageCount > 1 ? pageLinkStyles : ''),
      ),
    ),
  );

  const main = h(
    'main',
    lines(
      base.image
        ? h('figure', [
            h('img', { src: absoluteUrl(base.image.src, site), alt: base.image.alt }),
            ...(base.image.credit ? [h('figcaption', base.image.credit)] : []),
          ])
        : undefined,
      h('h1', own(languages.story), headline),
      base.dek ? h('p.dek', own(languages.story), base.dek) : undefined,
      h('p.meta', meta),
      updates.length > 0
        ? h('section.updates', lines(h('h2', words.get('updates')), ...updateArticles))
        : undefined,
      pageLinks,
      first
        ? h(
            'section.story',
            lines(
              h('h2', words.get('theStory')),
              ...inLanguage(own(languages.story), [
                ...bodyOf(base.body, { siteUrl: site, idPrefix: 'story', words }),
                ...(base.byline ? [h('p.byline', base.byline)] : []),
              ]),
            ),
          )
        : undefined,
      subscribeForm(config, site),
      editionItems.length > 0
        ? h(
            'section.editions',
            lines(h('h2', words.get('editionsMailed')), h('ul', lines(...editionItems))),
          )
        : undefined,
    ),
  );

  const footer = h('footer', [
    ...(config.postalAddress ? [`${config.postalAddress} · `] : []),
    h('a', { href: feedXml }, words.get('atomFeed')),
    ' · ',
    h('a', { href: feedJson }, words.get('jsonFeed')),
  ]);

  const page: Root = {
    type: 'root',
    children: [
      { type: 'doctype' },
      { type: 'text', value: '\n' },
      h(
        'html',
        { lang: publication.lang, dir: publication.dir },
        lines(
          head,
          h('body', lines(h('header', h('a', { href: site }, config.publication)), main, footer)),
        ),
      ),
      { type: 'text', value: '\n' },
    ],
  };
  return toHtml(relativeSiteLinks(absoluteFragments(page, pageUrl, site), pageUrl, site));
}

/** "Update <bdi>2/10/2014</bdi>:", the date isolated so it reads right in either direction. */
function labelOf(update: Update, config: Config): ElementContent[] {
  const { word, date } = updateLabelParts(update, config);
  return [{ type: 'text', value: `${word} ` }, h('bdi', date), { type: 'text', value: ':' }];
}

/** Blocks in another language than the page's, in a `<div lang dir>`; else as they are. */
function inLanguage(
  attributes: { lang?: string; dir?: string },
  children: ElementContent[],
): ElementContent[] {
  return attributes.lang ? [h('div', attributes, lines(...children))] : children;
}

/** A markdown body as the elements to place in the page. */
function bodyOf(body: MdastRoot, options: HastOptions): ElementContent[] {
  return mdastToHast(body, options).children.filter(
    (node): node is ElementContent => node.type !== 'doctype',
  );
}

/**
 * The children with a line break around each, left out where `undefined`,
 * so the committed page reads (and diffs) one element a line.
 */
function lines(...children: (ElementContent | undefined)[]): ElementContent[] {
  const out: ElementContent[] = [{ type: 'text', value: '\n' }];
  for (const child of children) {
    if (child === undefined) continue;
    // A body's own line breaks between blocks are already there.
    if (child.type === 'text' && child.value === '\n') continue;
    out.push(child, { type: 'text', value: '\n' });
  }
  return out;
}

/** The archive's look, also worn by the pages `storyline serve` answers with. */
export const styles = `
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
.correction { border-inline-start: 3px solid #c98a00; padding-inline-start: 14px; }
.correction .label a { color: #7a4f00; }
.headline-change { font-weight: 700; margin: 0 0 8px; }
.edition-link { font: 13px/1.4 Helvetica, Arial, sans-serif; }
a { color: #a4312a; }
blockquote { margin: 0 0 16px; padding-inline-start: 16px; border-inline-start: 3px solid #d8d4cc; color: #4a4540; }
table { border-collapse: collapse; width: 100%; font-size: 15px; }
th, td { border: 1px solid #d8d4cc; padding: 6px 8px; text-align: start; }
img { max-width: 100%; height: auto; }
.byline { font: 700 14px/1.4 Helvetica, Arial, sans-serif; }
.editions ul { padding-inline-start: 20px; }
.when { font: 13px/1.4 Helvetica, Arial, sans-serif; color: #6b645a; }
footer { font: 12px/1.5 Helvetica, Arial, sans-serif; color: #6b645a; padding: 20px; text-align: center; }
footer a { color: #6b645a; }
@media (prefers-color-scheme: dark) {
  body { background: #121416; color: #e4e1da; }
  main { background: #1c1f23; }
  .dek, blockquote { color: #c9c4bb; }
  a, .update .label a { color: #f2978c; }
  header a, figcaption, .meta, h2, .when, footer, footer a { color: #9d978d; }
}
`;

/** The links between pages, only on a living page of several (one page reads as it always did). */
const pageLinkStyles = `
.pages { font: 13px/1.4 Helvetica, Arial, sans-serif; color: #6b645a; margin: 0 0 24px; }
@media (prefers-color-scheme: dark) {
  .pages { color: #9d978d; }
}
`;

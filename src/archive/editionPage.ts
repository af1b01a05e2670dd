import type { Element } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { toHtml } from 'hast-util-to-html';
import { h } from 'hastscript';
import { visit } from 'unist-util-visit';
import type { Config } from '../config/configSchema.js';
import type { BaseStory } from '../content/Story.js';
import { footerUnsubscribeUrl } from '../deliver/listHeaders.js';
import { wordsFor } from '../i18n/wordsFor.js';
import { editionUrl } from '../render/editionLinks.js';
import { personalise } from '../render/personalise.js';
import type { Rendered } from '../render/Rendered.js';
import { absoluteFragments } from './absoluteFragments.js';
import { jsonLdScript, newsArticle } from './jsonLd.js';
import { relativeSiteLinks } from './relativeSiteLinks.js';
import { subscribeForm, subscribeFormStyles } from './subscribeForm.js';

/**
 * The web version of an edition, `archive/<id>/index.html`: the email as
 * mailed, with the per-recipient parts made general (the unsubscribe link
 * goes to the unsubscribe page, the greeting to "reader") and schema.org
 * `NewsArticle` data for search engines. Also its plain text. The email's
 * HTML is parsed to a hast tree and changed there, never by editing the
 * markup as text. Links to the archive's own files are relative; the
 * canonical link and JSON-LD stay absolute, as does the email itself. Pure.
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
    name: wordsFor(config.locale, config.labels).get('reader'),
  });
  const url = editionUrl(config.siteUrl, edition.id);
  const tree = fromHtml(html);
  // The parser drops the line break after the doctype; keep the page's first line short.
  if (tree.children[0]?.type === 'doctype')
    tree.children.splice(1, 0, { type: 'text', value: '\n' });
  let head: Element | undefined;
  let body: Element | undefined;
  visit(tree, 'element', (node: Element) => {
    if (node.tagName === 'head') head = node;
    if (node.tagName === 'body') body = node;
  });
  const form = subscribeForm(config, url);
  if (form) {
    // Below the email, in a box of its own width, so the email stays as mailed.
    body?.children.push(
      h('div', { style: 'max-width:600px;margin:0 auto;padding:0 12px 24px' }, [form]),
    );
    head?.children.push(h('style', subscribeFormStyles));
  }
  // The parser always makes a head; the guard is for the type.
  head?.children.push(
    h('link', { rel: 'canonical', href: url }),
    jsonLdScript(
      newsArticle(
        {
          headline: edition.headline,
          description: edition.preheader,
          modified: edition.newUpdates[0]?.date,
          url,
        },
        base,
        config,
      ),
    ),
  );
  // A fragment not on this page is an update's: the living story page holds them all.
  absoluteFragments(tree, url, config.siteUrl);
  // Then every link to the archive's files relative, so the page works from disk; the
  // unsubscribe page is the reader's side, not a file, so it stays absolute.
  relativeSiteLinks(
    tree,
    url,
    config.siteUrl,
    config.unsubscribe.url ? [config.unsubscribe.url] : [],
  );
  return { html: toHtml(tree), text };
}

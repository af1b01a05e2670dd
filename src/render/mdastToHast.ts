import type { Element, Root as HastRoot } from 'hast';
import type { Root } from 'mdast';
import { toHast } from 'mdast-util-to-hast';
import { visit } from 'unist-util-visit';
import type { Words } from '../i18n/Words.js';
import { absoluteUrl } from './absoluteUrl.js';

export interface HastOptions {
  siteUrl: string;
  /** Prefix for footnote ids, so two bodies in one email or page do not clash. */
  idPrefix: string;
  /** The footnotes' words ("Notes", "Back to reference 1"); English when absent. */
  words?: Words;
}

/**
 * A markdown body as a hast tree: raw HTML dropped (content checks already
 * reject it), URLs made absolute, images kept inside their column, tables
 * given the `sl-table` class the templates and pages style. Pure.
 */
export function mdastToHast(body: Root, options: HastOptions): HastRoot {
  const { words } = options;
  const tree = toHast(body, {
    clobberPrefix: `${options.idPrefix}-`,
    // A visible label: mail clients ignore the screen-reader-only class the
    // default relies on, so it would show as a stray "Footnotes" anyway.
    footnoteLabel: words?.get('notes') ?? 'Notes',
    ...(words
      ? {
          footnoteBackLabel: (referenceIndex: number, rereferenceIndex: number) =>
            words.get('backToReference', {
              reference: `${referenceIndex + 1}${rereferenceIndex > 1 ? `-${rereferenceIndex}` : ''}`,
            }),
        }
      : {}),
    footnoteLabelTagName: 'p',
    footnoteLabelProperties: { className: ['sl-notes'] },
  }) as HastRoot;
  visit(tree, 'element', (node: Element) => {
    const props = node.properties;
    if (node.tagName === 'a' && typeof props.href === 'string') {
      props.href = absoluteUrl(props.href, options.siteUrl);
    }
    if (node.tagName === 'img' && typeof props.src === 'string') {
      props.src = absoluteUrl(props.src, options.siteUrl);
      props.style = 'max-width:100%;height:auto;';
    }
    if (node.tagName === 'table') props.className = ['sl-table'];
  });
  return tree;
}

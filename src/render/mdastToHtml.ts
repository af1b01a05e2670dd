import type { Nodes as HastNodes } from 'hast';
import { toHtml } from 'hast-util-to-html';
import type { Root } from 'mdast';
import { type HastOptions, mdastToHast } from './mdastToHast.js';

/**
 * A markdown body as an HTML fragment for an `mj-text` block: every text
 * escaped, raw HTML dropped (content checks already reject it), URLs made
 * absolute, tables given the `sl-table` class the templates style. Pure.
 */
export function mdastToHtml(body: Root, options: HastOptions): string {
  return (
    toHtml(mdastToHast(body, options) as HastNodes)
      // Braces in text or URLs must not form a `{{slot}}` the template fills in.
      .replaceAll('{', '&#123;')
      .trim()
  );
}

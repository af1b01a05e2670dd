import type { Element, Nodes } from 'hast';
import { visit } from 'unist-util-visit';

/**
 * In-page links (`href="#id"`, footnotes and links to an update) made
 * absolute, since feed readers and copies of a page resolve a bare fragment
 * against the wrong document: against `pageUrl` when the tree holds that
 * id, else against `elsewhereUrl` (the living story page, which holds every
 * published update and its footnotes). Changes `tree` in place and returns
 * it; callers hand it a tree they have just built.
 */
export function absoluteFragments<T extends Nodes>(
  tree: T,
  pageUrl: string,
  elsewhereUrl = pageUrl,
): T {
  const ids = new Set<string>();
  visit(tree, 'element', (node: Element) => {
    if (typeof node.properties.id === 'string') ids.add(node.properties.id);
  });
  visit(tree, 'element', (node: Element) => {
    const href = node.properties.href;
    if (typeof href !== 'string' || !href.startsWith('#')) return;
    const fragment = href.slice(1);
    node.properties.href = `${ids.has(fragment) ? pageUrl : elsewhereUrl}#${fragment}`;
  });
  return tree;
}

import type { Root } from 'mdast';
import type { Node, Parent } from 'unist';
import type { VFile } from 'vfile';
import { reportProblem } from '../diagnostics/reportProblem.js';
import { maxNestingDepth } from './scanMarkdownLimits.js';

/** The nodes that nest, named as a writer knows them. */
const nestingKinds: Readonly<Record<string, string>> = {
  blockquote: 'block quote',
  listItem: 'list item',
  emphasis: 'emphasis',
  strong: 'strong emphasis',
  delete: 'strikethrough',
  link: 'link',
  linkReference: 'link',
  footnoteDefinition: 'footnote',
};

/**
 * Check the parsed tree against `maxNestingDepth`, without recursion (the
 * point is to refuse trees too deep for the recursive walks that render
 * them). The first node past the limit is reported, with the depth its
 * deepest descendant reaches. Returns false when the tree is too deep.
 */
export function checkTreeDepth(file: VFile, tree: Root): boolean {
  const stack: Array<[Node, number]> = [[tree, 0]];
  while (stack.length > 0) {
    const [node, parentDepth] = stack.pop() as [Node, number];
    const kind = nestingKinds[node.type];
    const depth = parentDepth + (kind ? 1 : 0);
    if (kind && depth > maxNestingDepth) {
      reportProblem(
        file,
        `Unexpected ${kind} nested ${deepest(node, depth)} deep, expected at most ${maxNestingDepth}; flatten it`,
        node.position?.start,
        'nesting-depth',
      );
      return false;
    }
    const children = (node as Partial<Parent>).children ?? [];
    // Pushed last to first, so nodes are visited in document order.
    for (let index = children.length - 1; index >= 0; index--) {
      stack.push([children[index] as Node, depth]);
    }
  }
  return true;
}

function deepest(root: Node, rootDepth: number): number {
  let max = rootDepth;
  const stack: Array<[Node, number]> = [[root, rootDepth]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [Node, number];
    max = Math.max(max, depth);
    for (const child of (node as Partial<Parent>).children ?? []) {
      stack.push([child, depth + (nestingKinds[child.type] ? 1 : 0)]);
    }
  }
  return max;
}

import path from 'node:path';
import type { Root } from 'mdast';
import type { Position } from 'unist';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { reportProblem } from '../diagnostics/reportProblem.js';
import { resolveInsideRootSync } from '../util/resolveInsideRoot.js';
import { localPathOfUrl } from './localPathOfUrl.js';

/**
 * Every file a story file links to by a relative URL (its body's images,
 * links and definitions, and the story's `image.src`) must really be inside
 * the content root: a symbolic link out of it (`images/chart.png ->
 * /proc/self/environ`) would otherwise be copied into the committed archive
 * and served by the preview. Each one that leaves is an error at its
 * reference. Where the link points is never printed: it may itself be a
 * secret path. Missing files and URLs that leave siteUrl are `relative-url`
 * warnings of the rendered edition, not this rule's.
 */
export function reportOutsideRoot(
  file: VFile,
  root: string,
  body: Root,
  image?: { src: string; place: Position | undefined },
): void {
  const report = (url: string, what: 'image' | 'link', place: Position | undefined) => {
    const relative = localPathOfUrl(url);
    if (relative === undefined || relative === '..' || relative.startsWith(`..${path.sep}`)) return;
    if (resolveInsideRootSync(root, relative).status !== 'outside') return;
    reportProblem(
      file,
      `Unexpected ${what} outside the content root (${relative.split(path.sep).join('/')} resolves to a file elsewhere), expected a file inside it; copy the file into the content root instead of linking to it`,
      place,
      'outside-root',
    );
  };
  if (image) report(image.src, 'image', image.place);
  visit(body, (node) => {
    if (node.type === 'image' || node.type === 'link' || node.type === 'definition')
      report(node.url, node.type === 'image' ? 'image' : 'link', node.position);
  });
}
